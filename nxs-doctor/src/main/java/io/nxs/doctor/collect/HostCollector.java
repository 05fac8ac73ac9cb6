package io.nxs.doctor.collect;

import io.nxs.core.ext.MetricSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.software.os.FileSystem;
import oshi.software.os.OSFileStore;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Host figures through OSHI (SPEC DR1): CPU, load, memory (and PSI pressure where the kernel offers
 * {@code /proc/pressure/memory}), swap, disk space and inodes per mount (label {@code mount}), file
 * descriptors, network and disk I/O rates, and NXS's own process.
 *
 * <p>The lists of mounts, interfaces and disks are re-read every minute; in between only their
 * figures are. Rates are the difference to the previous collection divided by the time between
 * them, so the first collection reports none.
 */
public final class HostCollector implements MetricSource {

  private static final Logger LOG = LoggerFactory.getLogger(HostCollector.class);

  private static final double MIB = 1024d * 1024d;
  private static final Set<String> PSEUDO_FS =
      Set.of(
          "tmpfs",
          "devtmpfs",
          "squashfs",
          "proc",
          "sysfs",
          "cgroup",
          "cgroup2",
          "devpts",
          "nsfs",
          "ramfs");
  private static final Path PSI_MEMORY = Path.of("/proc/pressure/memory");

  private final Clock clock;
  private final HardwareAbstractionLayer hardware;
  private final OperatingSystem os;
  private final int pid = (int) ProcessHandle.current().pid();
  private long[] previousTicks;
  private long previousCpuNanos = -1;
  private long previousWallNanos;
  private static final com.sun.management.OperatingSystemMXBean PROCESS =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();
  private long previousMillis = -1;
  private final Map<String, long[]> previousCounters = new HashMap<>();
  private List<OSFileStore> fileStores;
  private List<NetworkIF> networkIfs;
  private List<HWDiskStore> diskStores;
  private long inventoryAt = Long.MIN_VALUE;

  /** How often the lists of mounts, interfaces and disks are re-read (they rarely change). */
  static final long INVENTORY_EVERY_MS = 60_000;

  public HostCollector(Clock clock) {
    this.clock = clock;
    SystemInfo si = new SystemInfo();
    this.hardware = si.getHardware();
    this.os = si.getOperatingSystem();
  }

  @Override
  public String name() {
    return "host";
  }

  @Override
  public synchronized List<Sample> collect() {
    long now = clock.millis();
    double seconds = previousMillis < 0 ? 0 : (now - previousMillis) / 1000.0;
    if (inventoryAt == Long.MIN_VALUE
        || now - inventoryAt >= INVENTORY_EVERY_MS
        || now < inventoryAt) {
      // enumerating mounts, interfaces and disks is OSHI's dearest call (udev, /proc/mounts);
      // between refreshes the cached objects only re-read their counters
      fileStores = os.getFileSystem().getFileStores(true);
      networkIfs = hardware.getNetworkIFs();
      diskStores = hardware.getDiskStores();
      inventoryAt = now;
    }
    List<Sample> out = new ArrayList<>();
    cpu(out);
    memory(out);
    disks(out);
    fileDescriptors(out);
    network(out, seconds);
    diskIo(out, seconds);
    process(out);
    previousMillis = now;
    return out;
  }

  private void cpu(List<Sample> out) {
    CentralProcessor cpu = hardware.getProcessor();
    long[] ticks = cpu.getSystemCpuLoadTicks();
    if (previousTicks != null) {
      out.add(sample("cpu.usage_percent", cpu.getSystemCpuLoadBetweenTicks(previousTicks) * 100));
    }
    previousTicks = ticks;
    out.add(sample("cpu.cores", cpu.getLogicalProcessorCount()));
    double load = cpu.getSystemLoadAverage(1)[0];
    if (load >= 0) {
      out.add(sample("load.avg1", load));
    }
  }

  private void memory(List<Sample> out) {
    GlobalMemory mem = hardware.getMemory();
    long total = mem.getTotal();
    long available = mem.getAvailable();
    out.add(sample("memory.available_mb", available / MIB));
    out.add(sample("memory.total_mb", total / MIB));
    if (total > 0) {
      out.add(sample("memory.used_percent", 100.0 * (total - available) / total));
    }
    long swapTotal = mem.getVirtualMemory().getSwapTotal();
    out.add(
        sample(
            "swap.used_percent",
            swapTotal <= 0 ? 0 : 100.0 * mem.getVirtualMemory().getSwapUsed() / swapTotal));
    double pressure = memoryPressure();
    if (pressure >= 0) {
      out.add(sample("memory.pressure", pressure));
    }
  }

  /** The share of the last 10 s in which some task stalled on memory (PSI), or -1 without PSI. */
  static double memoryPressure() {
    try {
      for (String line : Files.readAllLines(PSI_MEMORY)) {
        if (line.startsWith("some ")) {
          for (String field : line.split(" ")) {
            if (field.startsWith("avg10=")) {
              return Double.parseDouble(field.substring(6));
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("no memory pressure (PSI) on this kernel: {}", e.getMessage());
      return -1;
    }
    return -1;
  }

  private void disks(List<Sample> out) {
    for (OSFileStore store : fileStores) {
      if (store.getTotalSpace() <= 0 || PSEUDO_FS.contains(store.getType())) {
        continue;
      }
      Map<String, String> mount = Map.of("mount", store.getMount());
      long total;
      long usable;
      long free;
      try {
        // statvfs through NIO each tick: cheap, unlike OSHI's re-enumeration of every mount
        java.nio.file.FileStore fs = Files.getFileStore(Path.of(store.getMount()));
        total = fs.getTotalSpace();
        usable = fs.getUsableSpace();
        free = fs.getUnallocatedSpace();
      } catch (IOException | RuntimeException e) {
        LOG.debug("skipping mount {}: {}", store.getMount(), e.getMessage());
        continue;
      }
      // df's figure: used / (used + available to unprivileged users)
      long used = total - free;
      double usedPercent = used + usable == 0 ? 0 : 100.0 * used / (used + usable);
      out.add(new Sample("disk.usage_percent", mount, usedPercent));
      out.add(new Sample("disk.free_mb", mount, usable / MIB));
      long inodes = store.getTotalInodes();
      if (inodes > 0) {
        // inodes as of the last inventory (at most a minute old)
        out.add(
            new Sample(
                "disk.inode_percent", mount, 100.0 * (inodes - store.getFreeInodes()) / inodes));
      }
    }
  }

  private void fileDescriptors(List<Sample> out) {
    FileSystem fs = os.getFileSystem();
    long max = fs.getMaxFileDescriptors();
    if (max > 0) {
      out.add(sample("fd.used_percent", 100.0 * fs.getOpenFileDescriptors() / max));
    }
  }

  private void network(List<Sample> out, double seconds) {
    Map<String, long[]> counters = procNetDev();
    if (counters == null) {
      counters = new java.util.LinkedHashMap<>();
      for (NetworkIF nif : networkIfs) {
        nif.updateAttributes();
        counters.put(
            nif.getName(),
            new long[] {
              nif.getBytesRecv(), nif.getBytesSent(), nif.getInErrors() + nif.getOutErrors()
            });
      }
    }
    counters.forEach(
        (name, now) -> {
          long[] before = previousCounters.put("net:" + name, now);
          if (before != null && seconds > 0) {
            Map<String, String> l = Map.of("interface", name);
            out.add(new Sample("net.rx_bytes_per_s", l, Math.max(0, now[0] - before[0]) / seconds));
            out.add(new Sample("net.tx_bytes_per_s", l, Math.max(0, now[1] - before[1]) / seconds));
            out.add(new Sample("net.errors_per_s", l, Math.max(0, now[2] - before[2]) / seconds));
          }
        });
  }

  /**
   * Interface counters from {@code /proc/net/dev} (rx bytes, tx bytes, errors), or null where it
   * does not exist. OSHI's per-interface update costs milliseconds; this file is one read.
   */
  static Map<String, long[]> procNetDev() {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/net/dev"));
    } catch (IOException e) {
      LOG.debug("no /proc/net/dev, OSHI's interface figures instead: {}", e.getMessage());
      return null;
    }
    Map<String, long[]> out = new java.util.LinkedHashMap<>();
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).trim();
      String[] f = line.substring(colon + 1).trim().split("\\s+");
      if (name.equals("lo") || f.length < 16) {
        continue;
      }
      out.put(
          name,
          new long[] {
            Long.parseLong(f[0]), Long.parseLong(f[8]), Long.parseLong(f[2]) + Long.parseLong(f[10])
          });
    }
    return out;
  }

  private void diskIo(List<Sample> out, double seconds) {
    Map<String, long[]> counters = procDiskStats();
    if (counters == null) {
      counters = new java.util.LinkedHashMap<>();
      for (HWDiskStore disk : diskStores) {
        disk.updateAttributes();
        counters.put(disk.getName(), new long[] {disk.getReadBytes(), disk.getWriteBytes()});
      }
    }
    counters.forEach(
        (name, now) -> {
          long[] before = previousCounters.put("disk:" + name, now);
          if (before != null && seconds > 0) {
            Map<String, String> l = Map.of("device", name);
            out.add(
                new Sample("disk.read_bytes_per_s", l, Math.max(0, now[0] - before[0]) / seconds));
            out.add(
                new Sample("disk.write_bytes_per_s", l, Math.max(0, now[1] - before[1]) / seconds));
          }
        });
  }

  /**
   * Bytes read and written per whole disk (those OSHI listed) from {@code /proc/diskstats}, or null
   * where it does not exist; sectors there are 512 bytes whatever the device's sector size.
   */
  private Map<String, long[]> procDiskStats() {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/diskstats"));
    } catch (IOException e) {
      LOG.debug("no /proc/diskstats, OSHI's disk figures instead: {}", e.getMessage());
      return null;
    }
    java.util.Set<String> disks = new java.util.HashSet<>();
    diskStores.forEach(d -> disks.add(d.getName().substring(d.getName().lastIndexOf('/') + 1)));
    Map<String, long[]> out = new java.util.LinkedHashMap<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 10 && disks.contains(f[2])) {
        out.put(f[2], new long[] {Long.parseLong(f[5]) * 512, Long.parseLong(f[9]) * 512});
      }
    }
    return out;
  }

  private void process(List<Sample> out) {
    Map<String, String> l = Map.of("process", "nxs");
    long cpuNanos = PROCESS.getProcessCpuTime();
    long wallNanos = System.nanoTime();
    if (previousCpuNanos >= 0 && wallNanos > previousWallNanos) {
      out.add(
          new Sample(
              "process.cpu_percent",
              l,
              100.0 * (cpuNanos - previousCpuNanos) / (wallNanos - previousWallNanos)));
    }
    previousCpuNanos = cpuNanos;
    previousWallNanos = wallNanos;
    out.add(
        new Sample(
            "process.threads",
            l,
            java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount()));
    if (PROCESS instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      out.add(new Sample("process.open_files", l, unix.getOpenFileDescriptorCount()));
    }
    try {
      String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split(" ");
      out.add(new Sample("process.rss_mb", l, Long.parseLong(statm[1]) * 4096 / MIB));
    } catch (IOException | RuntimeException e) {
      LOG.debug("no /proc/self/statm, OSHI's resident size instead: {}", e.getMessage());
      OSProcess p = os.getProcess(pid);
      if (p != null) {
        out.add(new Sample("process.rss_mb", l, p.getResidentMemory() / MIB));
      }
    }
  }

  private static Sample sample(String metric, double value) {
    return new Sample(metric, Map.of(), value);
  }
}
