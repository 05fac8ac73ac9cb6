package io.nxs.rollout.drill;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code clean-start} drill (SPEC RO5): a real {@code nxs serve} child process on a fresh
 * {@link ScratchInstance} must answer {@code /readyz} 200 within 60 s, have created its state, stop
 * with exit 0 on SIGTERM, and leave an audit chain that {@code nxs audit verify} accepts.
 */
public final class CleanStartDrill {

  /** The drill's name. */
  public static final String NAME = "clean-start";

  /** The drill, with what it checks. */
  public static final Drill DRILL =
      new Drill(
          NAME,
          "nxs serve on a fresh scratch home: /readyz 200 within 60 s, state created, exit 0 on"
              + " SIGTERM, audit chain verifies",
          CleanStartDrill::steps);

  private CleanStartDrill() {}

  private static void steps(ScratchInstance scratch, List<DrillReport.Check> checks)
      throws IOException, InterruptedException {
    Optional<Duration> ready = scratch.startAndAwaitReady();
    checks.add(Drill.readyCheck("ready within 60 s", ready, scratch));
    checks.add(
        new DrillReport.Check(
            "state created",
            java.nio.file.Files.exists(scratch.home().resolve("state.db"))
                && java.nio.file.Files.exists(scratch.home().resolve("keys")),
            "state.db and keys/ in the scratch home"));
    Drill.stopsCleanlyAndVerifies(scratch, checks, "audit chain verifies");
  }
}
