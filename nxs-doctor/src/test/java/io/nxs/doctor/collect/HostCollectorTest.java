package io.nxs.doctor.collect;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.ext.MetricSource.Sample;
import io.nxs.testkit.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HostCollectorTest {

  @Test
  void theRealHostYieldsTheFiguresTheRulesRead() {
    MutableClock clock = MutableClock.startingAt2026();
    HostCollector host = new HostCollector(clock);

    host.collect();
    clock.advance(Duration.ofSeconds(1));
    List<Sample> samples = host.collect();

    Set<String> metrics = samples.stream().map(Sample::metric).collect(Collectors.toSet());
    assertThat(metrics)
        .contains(
            "cpu.usage_percent",
            "load.avg1",
            "memory.available_mb",
            "memory.used_percent",
            "swap.used_percent",
            "disk.usage_percent",
            "disk.free_mb",
            "fd.used_percent",
            "net.rx_bytes_per_s",
            "process.rss_mb");
    assertThat(samples)
        .filteredOn(s -> s.metric().equals("disk.usage_percent"))
        .isNotEmpty()
        .allSatisfy(
            s -> {
              assertThat(s.labels()).containsKey("mount");
              assertThat(s.value()).isBetween(0.0, 100.0);
            });
    assertThat(samples)
        .filteredOn(s -> s.metric().equals("memory.used_percent"))
        .singleElement()
        .satisfies(s -> assertThat(s.value()).isBetween(0.0, 100.0));
  }
}
