package io.nxs.rollout.drill;

import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.state.StateStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The drills that ran, on the daemon's schedule or by hand ({@code nxs drill run}), in the state
 * store's {@code drill_runs} table (the module's own, {@code db/drills}): each run's outcome, and
 * each drill's last run for {@code nxs drill list}.
 */
public final class DrillRuns {

  /** The module whose migrations create the table. */
  public static final String MODULE = "drills";

  /**
   * One run.
   *
   * @param drill its name
   * @param startedAt when it started
   * @param duration how long it ran
   * @param passed whether every check held
   * @param failed the checks that did not, {@code "; "}-separated; empty when it passed
   */
  public record Run(
      String drill, Instant startedAt, Duration duration, boolean passed, String failed) {}

  private final StateStore store;

  /** Over a store whose {@value #MODULE} migrations ran. */
  public DrillRuns(StateStore store) {
    this.store = store;
  }

  /** Opens the table in {@code store}, creating it when it is not there yet. */
  public static DrillRuns migrated(StateStore store) {
    store.migrate(MODULE);
    return new DrillRuns(store);
  }

  /** Records a report; acknowledged when this returns. */
  public Run record(DrillReport report) {
    String failed =
        report.checks().stream()
            .filter(c -> !c.passed())
            .map(DrillReport.Check::name)
            .collect(Collectors.joining("; "));
    Run run =
        new Run(report.drill(), report.startedAt(), report.duration(), report.passed(), failed);
    try (Connection c = store.connect();
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO drill_runs (drill, started_at, duration_ms, passed, failed)"
                    + " VALUES (?, ?, ?, ?, ?)")) {
      insert.setString(1, run.drill());
      insert.setString(2, run.startedAt().toString());
      insert.setLong(3, run.duration().toMillis());
      insert.setInt(4, run.passed() ? 1 : 0);
      insert.setString(5, run.failed());
      insert.executeUpdate();
      return run;
    } catch (SQLException e) {
      throw new NxsException("cannot record the " + report.drill() + " drill's run: " + e, e);
    }
  }

  /**
   * Records a report and audits it: {@code drill.passed} (info) or {@code drill.failed} (high,
   * naming the checks that did not hold), whoever ran it.
   *
   * @param actor who ran it ({@code nxs} for the schedule, {@code cli} by hand)
   * @param details what the audit entry adds (e.g. {@code run_by}, {@code every})
   */
  public Run recordAudited(
      DrillReport report, AuditTrail audit, String actor, Map<String, Object> details) {
    Run run = record(report);
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("duration_ms", run.duration().toMillis());
    entry.putAll(details);
    if (!run.passed()) {
      entry.put("failed", run.failed());
    }
    audit.append(
        new AuditEvent(
            run.passed() ? "drill.passed" : "drill.failed",
            run.passed() ? Severity.INFO : Severity.HIGH,
            actor,
            run.drill(),
            entry));
    return run;
  }

  /** Each drill's last run, by drill name. */
  public Map<String, Run> last() {
    Map<String, Run> out = new LinkedHashMap<>();
    try (Connection c = store.connect();
        PreparedStatement select =
            c.prepareStatement(
                "SELECT drill, started_at, duration_ms, passed, failed FROM drill_runs"
                    + " WHERE id IN (SELECT MAX(id) FROM drill_runs GROUP BY drill)"
                    + " ORDER BY drill");
        ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        out.put(
            rs.getString(1),
            new Run(
                rs.getString(1),
                Instant.parse(rs.getString(2)),
                Duration.ofMillis(rs.getLong(3)),
                rs.getInt(4) == 1,
                rs.getString(5)));
      }
      return out;
    } catch (SQLException e) {
      throw new NxsException("cannot read the drills' last runs: " + e, e);
    }
  }
}
