package io.nxs.rollout.drill;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** A recovery drill (SPEC RO5): runs on a scratch instance, never the live home, and reports. */
public sealed interface Drill permits CleanStartDrill, CrashDrill {

  /** Its name, e.g. {@code clean-start}. */
  String name();

  /** Runs it; a failed check is in the report, not an exception. */
  DrillReport run();

  /** The check that a start was ready in time, with the figure or the daemon's last words. */
  static DrillReport.Check readyCheck(
      String name, Optional<Duration> ready, ScratchInstance scratch) throws IOException {
    return new DrillReport.Check(
        name,
        ready.isPresent(),
        ready.isPresent()
            ? "/readyz 200 after " + ready.get().toMillis() + " ms"
            : "not ready within 60 s: " + scratch.lastLogLine());
  }
}
