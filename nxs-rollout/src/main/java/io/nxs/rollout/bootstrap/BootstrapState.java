package io.nxs.rollout.bootstrap;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a bootstrap is (SPEC RO3): one type per state, checkpointed to the state file after every
 * step. The happy path is START → VERIFYING → DETECTING → UPGRADE | FRESH → CONFIGURING →
 * VALIDATING → RUNNING; {@link Halted}, {@link Incompatible}, {@link RolledBack} and {@link
 * SafeMode} are the failure matrix's ends. A state holds what the steps so far found; the step that
 * leaves it is {@link Bootstrap}'s.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "state")
@JsonSubTypes({
  @JsonSubTypes.Type(value = BootstrapState.Start.class, name = "START"),
  @JsonSubTypes.Type(value = BootstrapState.Verifying.class, name = "VERIFYING"),
  @JsonSubTypes.Type(value = BootstrapState.Detecting.class, name = "DETECTING"),
  @JsonSubTypes.Type(value = BootstrapState.Upgrade.class, name = "UPGRADE"),
  @JsonSubTypes.Type(value = BootstrapState.Fresh.class, name = "FRESH"),
  @JsonSubTypes.Type(value = BootstrapState.Configuring.class, name = "CONFIGURING"),
  @JsonSubTypes.Type(value = BootstrapState.Validating.class, name = "VALIDATING"),
  @JsonSubTypes.Type(value = BootstrapState.Running.class, name = "RUNNING"),
  @JsonSubTypes.Type(value = BootstrapState.Halted.class, name = "HALTED"),
  @JsonSubTypes.Type(value = BootstrapState.Incompatible.class, name = "INCOMPATIBLE"),
  @JsonSubTypes.Type(value = BootstrapState.RolledBack.class, name = "ROLLED_BACK"),
  @JsonSubTypes.Type(value = BootstrapState.SafeMode.class, name = "SAFE_MODE")
})
public sealed interface BootstrapState {

  /** The state's name as the state file and the CLI show it, e.g. {@code VERIFYING}. */
  default String name() {
    return getClass().getSimpleName().toUpperCase(Locale.ROOT);
  }

  /** Whether the bootstrap is over (done or stopped for a person); a new run starts afresh. */
  default boolean terminal() {
    return false;
  }

  /**
   * Where this bootstrap installs: chosen once at START, so a resumed run keeps to it.
   *
   * @param home the NXS home (nxs.yaml, state.db, keys/)
   * @param root the install root (nxs-VERSION/, current)
   * @param fellBack why the preferred place was not used, empty when it was
   */
  record Place(Path home, Path root, Optional<String> fellBack) {
    /** Where the bootstrap keeps its state file, downloads and rollback copy. */
    public Path work() {
      return root.resolve(".bootstrap");
    }
  }

  /** Nothing done yet. */
  record Start() implements BootstrapState {}

  /** Places chosen; the archive is to be fetched and verified. */
  record Verifying(Place place) implements BootstrapState {}

  /**
   * A verified archive is kept in the work directory; what is installed is to be found out.
   *
   * @param archive the verified archive, beside its {@code .sig}
   * @param version its signed version
   */
  record Detecting(Place place, Path archive, String version) implements BootstrapState {}

  /**
   * A version or state is there already: back the state up, install beside it.
   *
   * @param previous the installed version, empty when the home has state but no install root does
   */
  record Upgrade(Place place, Path archive, String version, Optional<String> previous)
      implements BootstrapState {}

  /** Nothing installed and no state: install. */
  record Fresh(Place place, Path archive, String version) implements BootstrapState {}

  /**
   * Installed and current: the home's configuration is to be written (fresh) and checked by the new
   * version.
   *
   * @param previous the version to roll back to, empty on a fresh install
   * @param backup the copy of the home's state taken before the upgrade, empty on a fresh install
   */
  record Configuring(Place place, String version, Optional<String> previous, Optional<Path> backup)
      implements BootstrapState {}

  /** Configured: the new version is to start on the home's state and answer /readyz. */
  record Validating(Place place, String version, Optional<String> previous, Optional<Path> backup)
      implements BootstrapState {}

  /**
   * Done: the new version is current and runs.
   *
   * @param pid the daemon's process, 0 when systemd runs it
   * @param port its HTTP port
   */
  record Running(Place place, String version, long pid, int port) implements BootstrapState {
    @Override
    public boolean terminal() {
      return true;
    }
  }

  /** Stopped before anything was installed, e.g. a bad signature; nothing was changed. */
  record Halted(String reason) implements BootstrapState {
    @Override
    public boolean terminal() {
      return true;
    }
  }

  /**
   * The new version refused the home's configuration; the previous version stays current.
   *
   * @param report the compatibility report
   */
  record Incompatible(Place place, String version, Path report) implements BootstrapState {
    @Override
    public boolean terminal() {
      return true;
    }
  }

  /**
   * The new version failed on the home's state (e.g. a state migration): the previous version is
   * current again with the state copied before the upgrade.
   */
  record RolledBack(Place place, String failed, String restored, String reason)
      implements BootstrapState {
    @Override
    public boolean terminal() {
      return true;
    }

    @Override
    public String name() {
      return "ROLLED_BACK";
    }
  }

  /**
   * Something unforeseen: a redacted diagnostic dump was written and the home marked for {@link
   * SafeModeMarker safe mode}.
   *
   * @param dump the diagnostic dump
   */
  record SafeMode(Place place, Path dump, String reason) implements BootstrapState {
    @Override
    public boolean terminal() {
      return true;
    }

    @Override
    public String name() {
      return "SAFE_MODE";
    }
  }
}
