package io.nxs.cluster.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.management.ManagementFactory;

/**
 * Host figures from the JDK's operating-system bean (load average, physical memory) and the error
 * share of the daemon's own HTTP timer ({@code http.server.requests}, by status).
 */
public final class JvmHostFigures implements HostFigures {

  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** Fewer requests than this since the last rate are too few to judge: one failure of two. */
  static final int MIN_REQUESTS = 20;

  private final MeterRegistry metrics;
  private long lastTotal;
  private long lastErrors;
  private double lastRate;

  public JvmHostFigures(MeterRegistry metrics) {
    this.metrics = metrics;
  }

  @Override
  public double cpuFree() {
    double load = os.getSystemLoadAverage();
    if (load < 0) {
      return 1 - Math.max(0, os.getCpuLoad()); // no load average on this OS
    }
    return 1 - load / Runtime.getRuntime().availableProcessors();
  }

  @Override
  public double memoryFree() {
    long total = os.getTotalMemorySize();
    return total <= 0 ? 0 : (double) os.getFreeMemorySize() / total;
  }

  @Override
  public synchronized double errorRate() {
    long total = 0;
    long errors = 0;
    for (Timer t : metrics.find("http.server.requests").timers()) {
      long n = t.count();
      total += n;
      String status = t.getId().getTag("status");
      if (status != null && status.startsWith("5")) {
        errors += n;
      }
    }
    long dTotal = total - lastTotal;
    if (dTotal < MIN_REQUESTS) {
      return lastRate; // too few to judge yet: keep counting
    }
    long dErrors = errors - lastErrors;
    lastTotal = total;
    lastErrors = errors;
    lastRate = (double) dErrors / dTotal;
    return lastRate;
  }
}
