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
 * Host figures through OSHI (SPEC DR1): CPU, load, memory (and PSI pressure where the kernel
 * offers {@code /proc/pressure/memory}), swap, disk space and inodes per mount (label {@code
 * mount}), file descriptors, network and disk I/O rates, and NXS's own process.
 *
 * <p>Rates are the difference to the previous collection divided by the time between them, so the
 * first collection reports none.
 */
public final class HostCollector implements MetricSource {

  private static final double MIB = 1024d * 1024d;
  private static final Set<String> PSEUDO_FS =
      Set.of("tmpfs", "devtmpfs", "squashfs", "proc", "sysfs", "cgroup", "cgroup2", "devpts", "nsfs", "ramfs");
  private static final Path PSI_MEMORY = Path.of("/proc/pressure/memory");

  private final Clock clock;
  private final HardwareAbstractionLayer hardware;
  private final OperatingSystem os;
  private final int pid = (int) ProcessHandle.current().pid();
  private long[] previousTicks;
  private OSProcess previousProcess;
  private long previousMillis = -1;
  private final Map<String, long[]> previousCounters = new HashMap<>();

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
    out.add(sample("swap.used_percent", swapTotal <= 0 ? 0 : 100.0 * mem.getVirtualMemory().getSwapUsed() / swapTotal));
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
      return -1;
    }
    return -1;
  }

  private void disks(List<Sample> out) {
    FileSystem fs = os.getFileSystem();
    for (OSFileStore store : fs.getFileStores(true)) {
      long total = store.getTotalSpace();
      if (total <= 0 || PSEUDO_FS.contains(store.getType())) {
        continue;
      }
      Map<String, String> mount = Map.of("mount", store.getMount());
      long usable = store.getUsableSpace();
      long free = store.getFreeSpace();
      // df's figure: used / (used + available to unprivileged users)
      long used = total - free;
      double usedPercent = used + usable == 0 ? 0 : 100.0 * used / (used + usable);
      out.add(new Sample("disk.usage_percent", mount, usedPercent));
      out.add(new Sample("disk.free_mb", mount, usable / MIB));
      long inodes = store.getTotalInodes();
      if (inodes > 0) {
        out.add(new Sample("disk.inode_percent", mount, 100.0 * (inodes - store.getFreeInodes()) / inodes));
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
    for (NetworkIF nif : hardware.getNetworkIFs()) {
      nif.updateAttributes();
      String name = nif.getName();
      long[] now = {nif.getBytesRecv(), nif.getBytesSent(), nif.getInErrors() + nif.getOutErrors()};
      long[] before = previousCounters.put("net:" + name, now);
      if (before != null && seconds > 0) {
        Map<String, String> l = Map.of("interface", name);
        out.add(new Sample("net.rx_bytes_per_s", l, Math.max(0, now[0] - before[0]) / seconds));
        out.add(new Sample("net.tx_bytes_per_s", l, Math.max(0, now[1] - before[1]) / seconds));
        out.add(new Sample("net.errors_per_s", l, Math.max(0, now[2] - before[2]) / seconds));
      }
    }
  }

  private void diskIo(List<Sample> out, double seconds) {
    for (HWDiskStore disk : hardware.getDiskStores()) {
      disk.updateAttributes();
      long[] now = {disk.getReadBytes(), disk.getWriteBytes()};
      long[] before = previousCounters.put("disk:" + disk.getName(), now);
      if (before != null && seconds > 0) {
        Map<String, String> l = Map.of("device", disk.getName());
        out.add(new Sample("disk.read_bytes_per_s", l, Math.max(0, now[0] - before[0]) / seconds));
        out.add(new Sample("disk.write_bytes_per_s", l, Math.max(0, now[1] - before[1]) / seconds));
      }
    }
  }

  private void process(List<Sample> out) {
    OSProcess p = os.getProcess(pid);
    if (p == null) {
      return;
    }
    Map<String, String> l = Map.of("process", "nxs");
    if (previousProcess != null) {
      out.add(new Sample("process.cpu_percent", l, 100 * p.getProcessCpuLoadBetweenTicks(previousProcess)));
    }
    previousProcess = p;
    out.add(new Sample("process.rss_mb", l, p.getResidentMemory() / MIB));
    out.add(new Sample("process.threads", l, p.getThreadCount()));
    out.add(new Sample("process.open_files", l, p.getOpenFiles()));
  }

  private static Sample sample(String metric, double value) {
    return new Sample(metric, Map.of(), value);
  }
}
