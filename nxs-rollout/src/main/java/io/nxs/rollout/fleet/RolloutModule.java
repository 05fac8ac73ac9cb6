package io.nxs.rollout.fleet;

import io.nxs.core.config.ConfigSection;
import io.nxs.core.ext.RuleSource;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.module.NxsModule;
import io.nxs.core.time.BlockingTick;
import io.nxs.rollout.release.ReleaseConfig;
import io.nxs.rollout.release.ReleaseException;
import io.nxs.rollout.release.ReleaseVersion;
import io.nxs.rollout.release.Restart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The staged rollout over the fleet (SPEC RO4): {@code /api/v1/rollouts}, an agent on every
 * instance and the coordinator on one ({@link FleetRollouts}), the Doctor's {@code rollout.*}
 * figures and rules. Start it after the cluster module, whose ports it reads.
 */
public final class RolloutModule implements NxsModule {

  /** The module's name, also its metric and rule source's. */
  public static final String NAME = "rollout";

  /** Set by bin/nxs of an installed release: its own directory, e.g. /opt/nxs/nxs-0.1.0. */
  static final String INSTALL_DIR_PROPERTY = "nxs.install.dir";

  private static final Logger LOG = LoggerFactory.getLogger(RolloutModule.class);

  private final CompletableFuture<Restart> restart = new CompletableFuture<>();
  private FleetRollouts rollouts;
  private BlockingTick ticking;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<ConfigSection<?>> configSections() {
    return List.of(RolloutConfig.SECTION);
  }

  @Override
  public void start(ModuleContext ctx) {
    RolloutConfig config = ctx.config().section(RolloutConfig.SECTION);
    ReleaseConfig release = ctx.config().section(ReleaseConfig.SECTION);
    Optional<Path> running =
        Optional.ofNullable(System.getProperty(INSTALL_DIR_PROPERTY)).map(Path::of);
    Optional<ReleaseVersion> version = running.flatMap(RolloutModule::versionOf);
    Path root =
        config.installDir().isEmpty()
            ? running.map(p -> p.toAbsolutePath().getParent()).orElse(null)
            : ctx.home().resolve(config.installDir());
    // Only a process the launcher's supervising loop runs can restart into what it installs.
    Optional<Consumer<Restart>> restarts =
        Restart.supervised(System.getenv()) ? Optional.of(restart::complete) : Optional.empty();
    NodeInstaller installer =
        root == null
            ? new NotInstalled()
            : new LocalReleases(
                root, release.trustedKey(ctx.home()), version, config.smokeTimeout(), restarts);
    rollouts =
        new FleetRollouts(
            ctx.extensions().cluster(),
            installer,
            release.trustedKey(ctx.home()),
            new RegistryVitals(ctx.metrics(), ctx.extensions().metricSources()),
            ctx.audit(),
            ctx.clock(),
            config,
            ctx.home().resolve("rollout"));
    ctx.extensions().metricSources().register(rollouts.metrics());
    ctx.extensions().ruleSources().register(rules());
    // The tick blocks (majority writes, installs).
    ticking = BlockingTick.every(ctx.scheduler(), "rollout-tick", config.tick(), rollouts::tick);
  }

  /** The rollouts of this instance, once started (for the routes and tests). */
  public FleetRollouts rollouts() {
    return rollouts;
  }

  /**
   * Completes when this instance installed or went back to a release and must restart into it:
   * whoever runs the daemon stops it gracefully, hands the restart over ({@link Restart#handOver})
   * and exits with {@link Restart#EXIT_CODE}.
   */
  public CompletableFuture<Restart> restartRequested() {
    return restart;
  }

  @Override
  public List<HttpRoutes> routes() {
    return List.of(new RolloutRoutes(rollouts));
  }

  @Override
  public void close() {
    BlockingTick t = ticking;
    ticking = null;
    if (t != null) {
      t.close();
    }
  }

  private static Optional<ReleaseVersion> versionOf(Path installDir) {
    try {
      return Optional.of(
          ReleaseVersion.parse(
              Files.readString(installDir.resolve("VERSION"), StandardCharsets.UTF_8).strip()));
    } catch (IOException | ReleaseException e) {
      LOG.warn("{} is not an installed release: {}", installDir, e.getMessage());
      return Optional.empty();
    }
  }

  private static RuleSource rules() {
    return RuleSource.ofResource(
        NAME, "nxs-rollout", RolloutModule.class, "io/nxs/rollout/fleet/rules.yaml");
  }

  /** An instance that does not run from an installed release: it coordinates, never installs. */
  private static final class NotInstalled implements NodeInstaller {
    @Override
    public String installed() {
      return "";
    }

    @Override
    public String previous() {
      return "";
    }

    @Override
    public void install(Path archive, String sha256) {
      throw new ReleaseException(
          "this NXS does not run from an installed release and rollout.install_dir is not set:"
              + " it cannot install");
    }

    @Override
    public void restore(String version) {
      throw new ReleaseException(
          "this NXS does not run from an installed release: it has no version to go back to");
    }
  }
}
