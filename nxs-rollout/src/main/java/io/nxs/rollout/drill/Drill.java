package io.nxs.rollout.drill;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A recovery drill (SPEC RO5): its own steps on a scratch instance, never the live home, and a
 * report. Each drill is a class of its own ({@link CleanStartDrill}, {@link CrashDrill}, {@link
 * CorruptionDrill}, {@link CredentialExpiryDrill}, {@link PartitionDrill}, {@link ExhaustionDrill})
 * holding its steps; what every drill shares — the scratch instance, timing, a failed "drill ran"
 * check when the drill itself cannot go on, the clean stop and the audit check at the end — is
 * here.
 *
 * @param name e.g. {@code clean-start}
 * @param checks what it checks, one line for {@code nxs drill list}
 * @param steps its own steps
 */
public record Drill(String name, String checks, Steps steps) {

  /** Every drill this build has, in the order {@code nxs drill run --all} runs them. */
  public static List<Drill> all() {
    return List.of(
        CleanStartDrill.DRILL,
        CrashDrill.DRILL,
        CorruptionDrill.DRILL,
        CredentialExpiryDrill.DRILL,
        PartitionDrill.DRILL,
        ExhaustionDrill.DRILL);
  }

  /**
   * Runs it; a failed check is in the report, not an exception.
   *
   * @param nxs the command that runs this build's CLI (java, flags, class path, main class)
   * @param defaultConfig the default {@code nxs.yaml}; the drill serves it on a free port
   * @param clock when the report says it started
   */
  public DrillReport run(List<String> nxs, byte[] defaultConfig, Clock clock) {
    return onScratch(name, nxs, defaultConfig, clock, steps);
  }

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

  /** A drill's own steps on its scratch instance; each adds its checks. */
  @FunctionalInterface
  public interface Steps {
    void run(ScratchInstance scratch, List<DrillReport.Check> checks)
        throws IOException, InterruptedException;
  }

  /**
   * Runs a drill's steps on a new scratch instance (removed afterwards) and reports them, timed:
   * what stops the drill itself (an I/O error, an interrupt) is a failed "drill ran" check.
   *
   * @param nxs the command that runs this build's CLI
   * @param defaultConfig the default {@code nxs.yaml}
   * @param clock when the report says it started
   */
  private static DrillReport onScratch(
      String name, List<String> nxs, byte[] defaultConfig, Clock clock, Steps steps) {
    Instant startedAt = clock.instant();
    long t0 = System.nanoTime();
    List<DrillReport.Check> checks = new ArrayList<>();
    try (ScratchInstance scratch = new ScratchInstance(name, nxs, defaultConfig)) {
      steps.run(scratch, checks);
    } catch (IOException e) {
      checks.add(new DrillReport.Check("drill ran", false, e.toString()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      checks.add(new DrillReport.Check("drill ran", false, "interrupted"));
    }
    return new DrillReport(name, startedAt, Duration.ofNanos(System.nanoTime() - t0), checks);
  }

  /**
   * The end of every drill: SIGTERM stops the daemon with exit 0, then the audit chain verifies.
   */
  static void stopsCleanlyAndVerifies(
      ScratchInstance scratch, List<DrillReport.Check> checks, String auditCheck)
      throws IOException, InterruptedException {
    int exit = scratch.terminate();
    checks.add(
        new DrillReport.Check(
            "stops cleanly on SIGTERM",
            exit == 0,
            exit < 0 ? "still running after 60 s; killed" : "exit " + exit));
    ScratchInstance.CommandResult audit = scratch.run("audit", "verify");
    checks.add(new DrillReport.Check(auditCheck, audit.exit() == 0, audit.lastLine()));
  }
}
