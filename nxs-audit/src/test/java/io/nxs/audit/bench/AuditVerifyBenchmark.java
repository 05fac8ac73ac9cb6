package io.nxs.audit.bench;

import io.nxs.audit.AuditLog;
import io.nxs.audit.VerifyReport;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.state.StateStore;
import io.nxs.testkit.TempHome;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Audit entries verified per second: {@code verify} recomputes every hash, checks every link and
 * every batch signature of a 100,000-entry chain written by 64 concurrent appenders. {@code
 * scanRows} is the baseline: the same rows read through JDBC with no checking, i.e. the floor set
 * by SQLite. Goal: at least 50,000 entries/s.
 *
 * <p>Run: {@code bench/jmh nxs-audit -f 1 -wi 2 -i 3 AuditVerifyBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AuditVerifyBenchmark {

  static final int ENTRIES = 100_000;
  static final int APPENDERS = 64;

  private TempHome home;
  private StateStore store;
  private AuditLog log;
  private long signed;

  @Setup(Level.Trial)
  public void fill() throws Exception {
    home = TempHome.create();
    store = StateStore.open(home.resolve("state.db"));
    log = AuditLog.open(store, home.resolve("keys"), Clock.systemUTC());
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < APPENDERS; t++) {
      int id = t;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < ENTRIES / APPENDERS; i++) {
                      log.append(
                          new AuditEvent(
                              "provider.failover",
                              Severity.MEDIUM,
                              "appender-" + id,
                              "ollama",
                              Map.of("i", i, "reason", "breaker open")));
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    while (count("") < ENTRIES) {
      log.append(AuditEvent.of("bench.fill", Severity.INFO, "bench", "rest"));
    }
    signed = count(" WHERE signature IS NOT NULL");
    System.out.println("\nchain: " + count("") + " entries, " + signed + " signed batches");
  }

  @TearDown(Level.Trial)
  public void close() {
    log.close();
    home.close();
  }

  @Benchmark
  @OperationsPerInvocation(ENTRIES)
  public VerifyReport verify() {
    VerifyReport report = log.verify();
    if (!report.ok()) {
      throw new IllegalStateException(report.message());
    }
    return report;
  }

  @Benchmark
  @OperationsPerInvocation(ENTRIES)
  public long scanRows() throws SQLException {
    long sum = 0;
    try (Connection c = store.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT seq, ts_millis, event_type, severity, actor, target,"
                    + " details, prev_hash, hash, signature FROM audit_entries ORDER BY seq")) {
      while (rs.next()) {
        sum +=
            rs.getLong(1)
                + rs.getLong(2)
                + rs.getString(3).length()
                + rs.getString(4).length()
                + rs.getString(5).length()
                + rs.getString(6).length()
                + rs.getString(7).length()
                + rs.getString(8).length()
                + rs.getString(9).length();
        String sig = rs.getString(10);
        sum += sig == null ? 0 : sig.length();
      }
    }
    return sum;
  }

  private long count(String where) throws SQLException {
    try (Connection c = store.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM audit_entries" + where)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
