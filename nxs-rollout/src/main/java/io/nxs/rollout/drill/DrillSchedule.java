package io.nxs.rollout.drill;

import io.nxs.core.audit.AuditTrail;
import io.nxs.core.ext.MetricSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs the drills of {@code drills.schedule} (SPEC RO5) when they are due: a drill is due one
 * interval after its last recorded run, or one interval after the schedule started when it never
 * ran. Each run is recorded ({@link DrillRuns}) and audited — {@code drill.passed}, or {@code
 * drill.failed} naming the checks that did not hold — and a failed last run is a Doctor figure
 * ({@code drill.failed}, rule {@code drill-failed}). The daemon calls {@link #tick()}; the clock
 * decides.
 */
public final class DrillSchedule {

  private final Map<String, Duration> schedule;
  private final Map<String, Drill> drills = new LinkedHashMap<>();
  private final Function<Drill, DrillReport> runner;
  private final DrillRuns runs;
  private final AuditTrail audit;
  private final Clock clock;
  private final Instant since;

  /**
   * @param schedule drill name to interval, as {@link DrillsConfig} checked it
   * @param drills the drills there are
   * @param runner runs one drill on a scratch instance
   * @param runs where runs are recorded
   * @param audit where runs are audited
   * @param clock when a drill is due; the schedule starts now
   */
  public DrillSchedule(
      Map<String, Duration> schedule,
      List<Drill> drills,
      Function<Drill, DrillReport> runner,
      DrillRuns runs,
      AuditTrail audit,
      Clock clock) {
    this.schedule = Map.copyOf(schedule);
    drills.forEach(d -> this.drills.put(d.name(), d));
    this.runner = runner;
    this.runs = runs;
    this.audit = audit;
    this.clock = clock;
    this.since = clock.instant();
  }

  /**
   * Runs every due drill, one after the other, in the order of {@link Drill#all()}; the reports.
   */
  public List<DrillReport> tick() {
    Map<String, DrillRuns.Run> last = runs.last();
    List<DrillReport> reports = new ArrayList<>();
    for (Drill drill : drills.values()) {
      Duration every = schedule.get(drill.name());
      if (every == null) {
        continue;
      }
      DrillRuns.Run previous = last.get(drill.name());
      Instant due = (previous == null ? since : previous.startedAt()).plus(every);
      if (clock.instant().isBefore(due)) {
        continue;
      }
      DrillReport report = runner.apply(drill);
      runs.recordAudited(
          report, audit, "nxs", Map.of("every", every.toString(), "run_by", "schedule"));
      reports.add(report);
    }
    return reports;
  }

  /** The Doctor's figures: per scheduled drill, whether its last run failed. */
  public MetricSource metrics() {
    return new MetricSource() {
      @Override
      public String name() {
        return DrillRuns.MODULE;
      }

      @Override
      public List<Sample> collect() {
        List<Sample> out = new ArrayList<>();
        runs.last()
            .forEach(
                (name, run) ->
                    out.add(
                        new Sample("drill.failed", Map.of("drill", name), run.passed() ? 0 : 1)));
        return out;
      }
    };
  }
}
