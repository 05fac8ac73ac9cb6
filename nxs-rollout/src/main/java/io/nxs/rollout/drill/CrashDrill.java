package io.nxs.rollout.drill;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code crash} drill (SPEC RO5): on a {@link ScratchInstance} whose daemon is running (and
 * writing its own samples and audit entries), three API keys are created and acknowledged, then the
 * daemon is killed with SIGKILL. It must start again on the same home within 60 s (a corrupt {@code
 * state.db} would stop it), every acknowledged key must be there, it must stop cleanly, and {@code
 * nxs audit verify} must accept the chain.
 */
public final class CrashDrill {

  /** The drill's name. */
  public static final String NAME = "crash";

  /** The drill, with what it checks. */
  public static final Drill DRILL =
      new Drill(
          NAME,
          "SIGKILL a running daemon after acknowledged writes: it starts again, the writes are"
              + " there, the audit chain verifies",
          CrashDrill::steps);

  private static final int KEYS = 3;

  private CrashDrill() {}

  private static void steps(ScratchInstance scratch, List<DrillReport.Check> checks)
      throws IOException, InterruptedException {
    Optional<Duration> first = scratch.startAndAwaitReady();
    checks.add(Drill.readyCheck("first start ready", first, scratch));
    int acknowledged = 0;
    for (int i = 1; i <= KEYS; i++) {
      if (scratch.run("key", "create", "--scope", "read", "--name", keyName(i)).exit() == 0) {
        acknowledged++;
      }
    }
    checks.add(
        new DrillReport.Check(
            "writes acknowledged while running",
            acknowledged == KEYS,
            acknowledged + " of " + KEYS + " keys created"));
    scratch.kill();
    Optional<Duration> restart = scratch.startAndAwaitReady();
    checks.add(Drill.readyCheck("ready again after SIGKILL", restart, scratch));
    String keys = scratch.run("key", "list", "-o", "json").output();
    int survived = 0;
    for (int i = 1; i <= KEYS; i++) {
      survived += keys.contains("\"" + keyName(i) + "\"") ? 1 : 0;
    }
    checks.add(
        new DrillReport.Check(
            "acknowledged writes survived",
            survived == KEYS,
            survived + " of " + KEYS + " keys there after the crash"));
    Drill.stopsCleanlyAndVerifies(scratch, checks, "audit chain verifies (nothing corrupt)");
  }

  private static String keyName(int i) {
    return "drill-crash-" + i;
  }
}
