package io.nxs.app;

import io.nxs.core.ext.HealingAction;
import io.nxs.core.state.SecureFiles;
import io.nxs.doctor.heal.RestartNxsAction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The configuration NXS last started well with, and the level-5 healing action {@code
 * nxs.rollback_config} that puts it back (SPEC DR6). Once the daemon serves, {@link #keep} copies
 * {@code nxs.yaml} to {@code nxs.yaml.last-good}; rolling back keeps the current file as {@code
 * nxs.yaml.rolled-back-<time>}, writes the last good one in its place, and — under a supervisor
 * that starts NXS again — restarts NXS so the rolled-back configuration takes effect. Waits for an
 * operator's approval (level 5).
 */
final class LastGoodConfig implements HealingAction {

  static final String NAME = "nxs.rollback_config";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Path config;
  private final Path lastGood;
  private final Clock clock;
  private final Optional<Runnable> restart;

  /**
   * @param restart restarts NXS after a rollback; empty when nothing would start it again
   */
  LastGoodConfig(Path config, Clock clock, Optional<Runnable> restart) {
    this.config = config;
    this.lastGood = config.resolveSibling(config.getFileName() + ".last-good");
    this.clock = clock;
    this.restart = restart;
  }

  /** The daemon's: restarts through its supervisor, as {@code doctor.restart_nxs} does. */
  static LastGoodConfig forDaemon(
      NxsHome home, Map<String, String> env, Clock clock, ScheduledExecutorService scheduler) {
    return new LastGoodConfig(
        home.config(),
        clock,
        RestartNxsAction.supervisorFrom(env)
            .map(
                s ->
                    () ->
                        scheduler.schedule(
                            () -> System.exit(RestartNxsAction.EXIT_CODE), 2, TimeUnit.SECONDS)));
  }

  /** Keeps the configuration NXS has just started well with. */
  void keep() {
    try {
      SecureFiles.writeAtomically(lastGood, Files.readAllBytes(config));
    } catch (IOException e) {
      throw new io.nxs.core.NxsException(
          "cannot keep " + config + " as the last good configuration: " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int level() {
    return 5;
  }

  @Override
  public String description() {
    return "put back the configuration NXS last started well with ("
        + lastGood.getFileName()
        + ") and restart";
  }

  @Override
  public Outcome execute(String target, boolean dryRun) {
    byte[] good;
    byte[] current;
    try {
      if (!Files.exists(lastGood)) {
        return new Outcome(false, "no configuration NXS started well with is kept yet");
      }
      good = Files.readAllBytes(lastGood);
      current = Files.readAllBytes(config);
    } catch (IOException e) {
      return new Outcome(false, "cannot read the configuration: " + e.getMessage());
    }
    if (Arrays.equals(good, current)) {
      return new Outcome(false, config.getFileName() + " is already the last good configuration");
    }
    Path aside =
        config.resolveSibling(
            config.getFileName() + ".rolled-back-" + STAMP.format(clock.instant()));
    if (dryRun) {
      return new Outcome(
          true, "would put back " + lastGood + " and keep the current file as " + aside);
    }
    try {
      Files.copy(config, aside);
    } catch (IOException e) {
      return new Outcome(false, "cannot keep the current configuration aside: " + e.getMessage());
    }
    SecureFiles.writeAtomically(config, good);
    restart.ifPresent(Runnable::run);
    return new Outcome(
        true,
        "put back the last good configuration; the previous one is kept at "
            + aside
            + (restart.isPresent()
                ? "; NXS restarts to apply it"
                : "; restart NXS to apply it (no supervisor would start it again)"));
  }
}
