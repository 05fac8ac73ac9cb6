package io.nxs.cluster.bench;

import io.nxs.cluster.placement.Candidate;
import io.nxs.cluster.placement.Placement;
import io.nxs.cluster.placement.QueuedTask;
import io.nxs.cluster.placement.Rebalancer;
import io.nxs.core.cluster.TaskSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Placement decisions per second: one task placed among 3, 5 or 9 instances (scores, same-type and
 * I/O penalties, cache affinity), and one rebalancing plan over their queues (100 waiting tasks).
 *
 * <p>Run: {@code bench/jmh nxs-cluster -f 1 -wi 3 -i 5 PlacementBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PlacementBenchmark {

  @Param({"3", "5", "9"})
  public int nodes;

  private List<Candidate> candidates;
  private final TaskSpec task = new TaskSpec("t-1", "summarize", "", true, true, "repo-7");
  private Map<String, Integer> depths;
  private List<QueuedTask> waiting;
  private final Instant now = Instant.parse("2026-12-06T12:00:00Z");

  @Setup
  public void setUp() {
    candidates = new ArrayList<>();
    depths = new HashMap<>();
    waiting = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      String id = "node-" + i;
      candidates.add(
          new Candidate(
              id,
              0.5 + 0.05 * (i % 10),
              i % 4 == 3,
              Map.of("summarize", i % 3, "index", 1),
              i % 2,
              i % 3 == 0 ? Set.of("repo-7") : Set.of()));
      depths.put(id, i == 0 ? 100 : i);
    }
    for (int i = 0; i < 100; i++) {
      waiting.add(new QueuedTask("q-" + i, "node-0", true, now.minusSeconds(i)));
    }
  }

  @Benchmark
  public Optional<String> placeOneTask() {
    return Placement.choose(task, candidates);
  }

  @Benchmark
  public List<Rebalancer.Move> planRebalancing() {
    return Rebalancer.plan(depths, waiting, Map.of(), now);
  }
}
