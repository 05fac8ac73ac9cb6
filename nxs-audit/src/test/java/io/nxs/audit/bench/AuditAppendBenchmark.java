package io.nxs.audit.bench;

import io.nxs.audit.AuditLog;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.state.StateStore;
import io.nxs.testkit.TempHome;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Durable, signed audit appends per second on a real SQLite file (WAL, synchronous=FULL).
 *
 * <p>{@code oneAppender} is the baseline: each append is its own transaction, fsync and Ed25519
 * signature. The others run many appenders at once, so the group commit shares one transaction, one
 * fsync and one signature among everything queued. Goal: at least 10,000 appends/s.
 *
 * <p>Run: {@code bench/jmh nxs-audit -f 1 -wi 2 -i 3 AuditAppendBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AuditAppendBenchmark {

  private static final AuditEvent EVENT =
      new AuditEvent(
          "provider.failover",
          Severity.MEDIUM,
          "gateway",
          "ollama",
          Map.of("from", "ollama", "to", "openai", "reason", "breaker open", "latency_ms", 1234));

  private TempHome home;
  private AuditLog log;

  @Setup(Level.Trial)
  public void open() {
    home = TempHome.create();
    log =
        AuditLog.open(
            StateStore.open(home.resolve("state.db")), home.resolve("keys"), Clock.systemUTC());
  }

  @TearDown(Level.Trial)
  public void close() {
    log.close();
    home.close();
  }

  @Benchmark
  @Threads(1)
  public long oneAppender() {
    return log.append(EVENT);
  }

  @Benchmark
  @Threads(16)
  public long groupCommit16() {
    return log.append(EVENT);
  }

  @Benchmark
  @Threads(64)
  public long groupCommit64() {
    return log.append(EVENT);
  }

  @Benchmark
  @Threads(256)
  public long groupCommit256() {
    return log.append(EVENT);
  }
}
