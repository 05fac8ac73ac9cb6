package io.nxs.doctor.bench;

import java.lang.management.ManagementFactory;

/**
 * {@link RuleEvaluationBenchmark}'s tick measured by CPU time as well as wall time, for a machine
 * that other jobs load: the process's CPU time per tick (every thread: the ticking one, the common
 * pool's, GC and JIT) says what a tick costs whatever else runs; the wall time says what it took
 * here and now.
 *
 * <p>Run: {@code bench/doctor-rule-cpu [seriesPerRule] [values] [ticks]} (defaults 100, moving,
 * 400; the first half of the ticks warm up and are not counted).
 */
public final class RuleTickCpu {

  private RuleTickCpu() {}

  /**
   * CPU time of every live Java thread (the ticking one and the common pool's; not GC or JIT
   * threads, which the JVM hides from this view).
   */
  private static long javaThreadsCpu(com.sun.management.ThreadMXBean threads) {
    long sum = 0;
    for (long t : threads.getThreadCpuTime(threads.getAllThreadIds())) {
      sum += Math.max(0, t);
    }
    return sum;
  }

  public static void main(String[] args) {
    RuleEvaluationBenchmark b = new RuleEvaluationBenchmark();
    b.seriesPerRule = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    b.values = args.length > 1 ? args[1] : "moving";
    int ticks = args.length > 2 ? Integer.parseInt(args[2]) : 400;
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    b.setUp();
    try {
      int warm = ticks / 2;
      long cpu = 0;
      long javaCpu = 0;
      long wall = 0;
      long best = Long.MAX_VALUE;
      int sink = 0;
      for (int i = 0; i < ticks; i++) {
        b.move();
        long j0 = javaThreadsCpu(threads);
        long c0 = os.getProcessCpuTime();
        long w0 = System.nanoTime();
        sink += b.tick();
        long w = System.nanoTime() - w0;
        long c = os.getProcessCpuTime() - c0;
        long j = javaThreadsCpu(threads) - j0;
        if (i >= warm) {
          cpu += c;
          javaCpu += j;
          wall += w;
          best = Math.min(best, w);
        }
      }
      int n = ticks - warm;
      System.out.printf(
          "rules 1000 x %d series, %s: CPU %.2f ms per tick (Java threads %.2f), wall %.2f ms per"
              + " tick (best %.2f), %d ticks (findings %d)%n",
          b.seriesPerRule,
          b.values,
          cpu / 1e6 / n,
          javaCpu / 1e6 / n,
          wall / 1e6 / n,
          best / 1e6,
          n,
          sink);
    } finally {
      b.tearDown();
    }
  }
}
