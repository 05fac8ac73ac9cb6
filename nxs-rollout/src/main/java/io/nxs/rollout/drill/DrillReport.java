package io.nxs.rollout.drill;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one recovery drill found (SPEC RO5).
 *
 * @param drill the drill's name, e.g. {@code clean-start}
 * @param startedAt when it started
 * @param duration how long it ran
 * @param checks what it checked, in order
 */
public record DrillReport(String drill, Instant startedAt, Duration duration, List<Check> checks) {

  /**
   * One thing a drill checked.
   *
   * @param name what was checked
   * @param passed whether it held
   * @param detail the figure or the reason
   */
  public record Check(String name, boolean passed, String detail) {}

  public DrillReport {
    checks = List.copyOf(checks);
  }

  /** Whether every check held. */
  public boolean passed() {
    return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
  }

  /** The report as text, one line per check. */
  public String toText() {
    StringBuilder s =
        new StringBuilder()
            .append("drill ")
            .append(drill)
            .append(": ")
            .append(passed() ? "PASSED" : "FAILED")
            .append(" (")
            .append(duration.toMillis())
            .append(" ms, started ")
            .append(startedAt)
            .append(")\n");
    for (Check c : checks) {
      s.append("  ")
          .append(c.passed() ? "ok    " : "FAIL  ")
          .append(c.name())
          .append(": ")
          .append(c.detail())
          .append('\n');
    }
    return s.toString();
  }
}
