package io.nxs.doctor.bench;

import io.nxs.audit.AuditLog;
import io.nxs.core.event.EventBus;
import io.nxs.core.event.Heartbeat;
import io.nxs.core.ext.Extensions;
import io.nxs.core.state.StateStore;
import io.nxs.doctor.Doctor;
import io.nxs.doctor.collect.HostCollector;
import io.nxs.doctor.collect.SecurityCollector;
import io.nxs.doctor.config.DoctorConfig;
import io.nxs.doctor.sample.Series;
import io.nxs.testkit.TempHome;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Doctor at 1 s resolution on the real host (goal: < 2 % of one core), and the memory a series
 * holds per hour of samples.
 *
 * <p>Runs the real Doctor (OSHI host collector, security collector, heartbeats, the built-in rules,
 * prediction, history writes to a real SQLite file) ticking once a second for {@code seconds}
 * (default 60) after a 10 s warm-up, and reports the CPU time of the whole JVM process and of the
 * ticking thread divided by the wall time.
 *
 * <p>Run: {@code bench/doctor-overhead [seconds]}
 */
public final class CollectorOverhead {

  private CollectorOverhead() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    try (TempHome home = TempHome.create()) {
      StateStore store = StateStore.open(home.resolve("state.db"));
      AuditLog audit = AuditLog.open(store, home.resolve("keys"), Clock.systemUTC());
      EventBus events = new EventBus();
      DoctorConfig config = DoctorConfig.defaults().withInterval(Duration.ofSeconds(1));
      Doctor doctor =
          Doctor.builder(config, store, audit, Clock.systemUTC())
              .home(home.path())
              .events(events)
              .extensions(new Extensions())
              .collectors(
                  List.of(
                      new HostCollector(Clock.systemUTC()),
                      new SecurityCollector(home.path(), List.of("keys"))))
              .build();
      var threads = ManagementFactory.getThreadMXBean();
      var os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      run(doctor, events, 10);
      Map<String, Long> tasks0 = taskTicks();
      long cpu0 = os.getProcessCpuTime();
      long thread0 = threads.getCurrentThreadCpuTime();
      long wall0 = System.nanoTime();
      run(doctor, events, seconds);
      long wall = System.nanoTime() - wall0;
      double processPercent = 100.0 * (os.getProcessCpuTime() - cpu0) / wall;
      double tickPercent = 100.0 * (threads.getCurrentThreadCpuTime() - thread0) / wall;
      Map<String, Long> tasks1 = taskTicks();
      printTasks(tasks0, tasks1, wall);
      int seriesCount = doctor.samples().seriesCount();
      long bytes = doctor.samples().all().stream().mapToLong(Series::footprintBytes).sum();
      System.out.printf(
          "ticks at 1 s for %d s: process CPU %.2f %% of one core, ticking thread %.2f %%%n",
          seconds, processPercent, tickPercent);
      System.out.printf(
          "series %d, ring capacity %d points, live samples %.1f KiB (%.0f bytes per series-hour at 1 s)%n",
          seriesCount, doctor.samples().capacity(), bytes / 1024.0, (double) bytes / seriesCount);
      HostCollector host = new HostCollector(Clock.systemUTC());
      SecurityCollector security = new SecurityCollector(home.path(), List.of("keys"));
      long h0 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < 30; i++) {
        host.collect();
      }
      long h1 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < 30; i++) {
        security.collect();
      }
      long h2 = threads.getCurrentThreadCpuTime();
      System.out.printf(
          "per collection: host (OSHI) %.2f ms CPU, security %.2f ms CPU%n",
          (h1 - h0) / 30e6, (h2 - h1) / 30e6);
      doctor.close();
      audit.close();
    }
  }

  /**
   * CPU time (clock ticks) per thread name of this process from {@code /proc/self/task}, JVM
   * threads (compilers, GC) included; threads of one name (pool workers) are summed.
   */
  private static Map<String, Long> taskTicks() throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue; // the thread ended
        }
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String name = stat.substring(open + 1, close).replaceAll("[0-9]+$", "#");
        String[] f = stat.substring(close + 2).split(" ");
        // after the name: state is field 3, utime 14 and stime 15 (1-based, man 5 proc)
        out.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
      }
    }
    return out;
  }

  /** Where the process's CPU went during the measured window, by thread name, most first. */
  private static void printTasks(
      Map<String, Long> before, Map<String, Long> after, long wallNanos) {
    double tickNanos = 1e9 / 100; // USER_HZ is 100 on Linux
    StringBuilder b = new StringBuilder("CPU by thread (% of one core):");
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                b.append(
                    String.format(
                        " %s %.2f,", e.getKey(), 100.0 * e.getValue() * tickNanos / wallNanos)));
    b.setLength(b.length() - 1);
    System.out.println(b);
  }

  private static void run(Doctor doctor, EventBus events, int seconds) throws InterruptedException {
    long next = System.nanoTime();
    for (int i = 0; i < seconds; i++) {
      events.publish(new Heartbeat(java.time.Instant.now(), "daemon"));
      doctor.tick();
      next += 1_000_000_000L;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
      }
    }
  }
}
