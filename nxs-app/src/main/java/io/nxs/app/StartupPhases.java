package io.nxs.app;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Where the daemon's start-up time goes, phase by phase, for the log line {@code started in ...}:
 * wall milliseconds and the starting thread's CPU milliseconds (the steadier figure on a busy
 * machine). Measures durations only (a monotonic timer), never the time of day.
 */
final class StartupPhases {

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final boolean cpu = threads.isCurrentThreadCpuTimeSupported();
  private final long wallStart = System.nanoTime();
  private final long cpuStart = cpuNow();
  // The JVM's start and the command line before Daemon.start: wall since the JVM began, and the
  // starting thread's CPU until now.
  private final long beforeWall = ManagementFactory.getRuntimeMXBean().getUptime();
  private final StringJoiner phases = new StringJoiner(", ");
  private long wallMark = wallStart;
  private long cpuMark = cpuStart;

  /** Ends the phase that ran since the last mark. */
  void mark(String phase) {
    long wall = System.nanoTime();
    long cpuTime = cpuNow();
    phases.add(
        String.format(
            Locale.ROOT, "%s %d/%d", phase, millis(wall - wallMark), millis(cpuTime - cpuMark)));
    wallMark = wall;
    cpuMark = cpuTime;
  }

  /**
   * E.g. {@code 812 ms (cpu 604 ms); wall/cpu ms by phase: config 40/31, state 120/80, ...; before
   * (JVM and command line) 700/450; process cpu 2100 ms}: the last figure is every thread's CPU
   * since the JVM began (the JIT compilers' and the background starts' too), what two cores have to
   * fit into the start's wall time.
   */
  String summary() {
    return String.format(
        Locale.ROOT,
        "%d ms (cpu %d ms); wall/cpu ms by phase: %s; before (JVM and command line) %d/%d;"
            + " process cpu %d ms",
        millis(wallMark - wallStart),
        millis(cpuMark - cpuStart),
        phases,
        beforeWall,
        millis(cpuStart),
        millis(processCpu()));
  }

  private static long processCpu() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? Math.max(0, os.getProcessCpuTime())
        : 0;
  }

  private long cpuNow() {
    return cpu ? threads.getCurrentThreadCpuTime() : 0;
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }
}
