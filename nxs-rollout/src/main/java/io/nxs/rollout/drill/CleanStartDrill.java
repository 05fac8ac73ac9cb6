package io.nxs.rollout.drill;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code clean-start} drill (SPEC RO5): a real {@code nxs serve} child process on a fresh
 * {@link ScratchInstance} must answer {@code /readyz} 200 within 60 s, have created its state, stop
 * with exit 0 on SIGTERM, and leave an audit chain that {@code nxs audit verify} accepts.
 */
public final class CleanStartDrill implements Drill {

  /** The drill's name. */
  public static final String NAME = "clean-start";

  private final List<String> nxs;
  private final byte[] defaultConfig;
  private final Clock clock;

  /**
   * @param nxs the command that runs this build's CLI (java, flags, class path, main class)
   * @param defaultConfig the default {@code nxs.yaml}; the drill serves it on a free port
   * @param clock when the report says it started
   */
  public CleanStartDrill(List<String> nxs, byte[] defaultConfig, Clock clock) {
    this.nxs = List.copyOf(nxs);
    this.defaultConfig = defaultConfig.clone();
    this.clock = clock;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public DrillReport run() {
    return Drill.onScratch(
        NAME,
        nxs,
        defaultConfig,
        clock,
        (scratch, checks) -> {
          Optional<Duration> ready = scratch.startAndAwaitReady();
          checks.add(Drill.readyCheck("ready within 60 s", ready, scratch));
          checks.add(
              new DrillReport.Check(
                  "state created",
                  java.nio.file.Files.exists(scratch.home().resolve("state.db"))
                      && java.nio.file.Files.exists(scratch.home().resolve("keys")),
                  "state.db and keys/ in the scratch home"));
          Drill.stopsCleanlyAndVerifies(scratch, checks, "audit chain verifies");
        });
  }
}
