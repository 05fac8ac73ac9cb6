package io.nxs.doctor.bench;

import io.nxs.doctor.sample.SampleStore;
import java.time.Duration;
import java.util.HashMap;
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

/**
 * Sample ingest into the live store: one sample for each of 10,000 series per invocation, the clock
 * moving 1 s each time (goal: ≥ 200,000 samples/s). Includes the ring write and the minute
 * aggregate for the history.
 *
 * <p>Run: {@code bench/jmh nxs-doctor -f 1 -wi 3 -i 5 IngestBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IngestBenchmark {

  private static final int SERIES = 10_000;

  private SampleStore store;
  private String[] metrics;
  private List<Map<String, String>> labels;
  private long now = 1_767_225_600_000L;

  @Setup(Level.Trial)
  public void setUp() {
    store = new SampleStore(Duration.ofHours(1), Duration.ofSeconds(1), 20_000);
    metrics = new String[SERIES];
    labels = new java.util.ArrayList<>(SERIES);
    for (int i = 0; i < SERIES; i++) {
      metrics[i] = "bench.m" + (i % 100);
      Map<String, String> l = new HashMap<>();
      l.put("host", "h" + (i / 100));
      labels.add(Map.copyOf(l));
    }
  }

  @Benchmark
  @OperationsPerInvocation(SERIES)
  public int ingest() {
    now += 1000;
    for (int i = 0; i < SERIES; i++) {
      store.add(metrics[i], labels.get(i), now, i);
    }
    // drop the minute aggregates as the history writer would take them
    return store.drainCompletedMinutes().size();
  }
}
