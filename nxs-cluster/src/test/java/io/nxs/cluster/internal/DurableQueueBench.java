package io.nxs.cluster.internal;

import io.nxs.core.cluster.TaskSpec;
import io.nxs.core.cluster.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What durable Distributed Data (ADR 0072) costs the task queue: three nodes in this JVM, N tasks
 * submitted one after another on node 1 (each a majority write) and run; the same with every key in
 * memory, alternating, so the two are compared within one run. Run by {@code
 * bench/cluster-durable.sh}.
 */
public final class DurableQueueBench {

  private DurableQueueBench() {}

  public static void main(String[] args) throws Exception {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    System.out.println("| round | store | submit ms (" + tasks + " tasks) | until all done ms |");
    System.out.println("|---|---|---:|---:|");
    double[] submit = new double[2];
    double[] done = new double[2];
    // Round 0 warms the JVM up and is not counted; the order alternates from round to round.
    for (int round = 0; round <= rounds; round++) {
      for (int i = 0; i < 2; i++) {
        int mode = round % 2 == 0 ? i : 1 - i;
        boolean durable = mode == 1;
        long[] r = once(durable, tasks, round);
        if (round > 0) {
          submit[mode] += r[0];
          done[mode] += r[1];
        }
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | %d | %d |%n",
            round == 0 ? "warm-up" : Integer.toString(round),
            durable ? "state.db" : "memory",
            r[0],
            r[1]);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "ratio durable/memory (rounds 1-%d): submit %.2f, until all done %.2f%n",
        rounds,
        submit[1] / submit[0],
        done[1] / done[0]);
  }

  private static long[] once(boolean durable, int n, int round) throws InterruptedException {
    try (TestCluster cluster = new TestCluster(durable)) {
      for (String id : List.of("n1", "n2", "n3")) {
        cluster.start(id).tasks.handle("echo", t -> "ok");
      }
      ClusterNode n1 = cluster.node("n1");
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (!(n1.members().size() == 3
          && n1.members().stream().allMatch(m -> m.state().takesWork())
          && cluster.nodes.values().stream().allMatch(ClusterNode::onMajoritySide))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no cluster of 3 within 5 minutes");
        }
        Thread.sleep(100);
      }
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        n1.tasks.submit(TaskSpec.of("r" + round + "-" + i, "echo", ""));
      }
      long submitted = System.nanoTime();
      for (int i = 0; i < n; i++) {
        String id = "r" + round + "-" + i;
        while (n1.tasks.status(id).map(TaskStatus::phase).orElse(null) != TaskStatus.Phase.DONE) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("task " + id + " not done within 5 minutes");
          }
          Thread.sleep(20);
        }
      }
      long finished = System.nanoTime();
      return new long[] {(submitted - start) / 1_000_000, (finished - start) / 1_000_000};
    }
  }
}
