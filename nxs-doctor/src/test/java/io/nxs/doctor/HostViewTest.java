package io.nxs.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.doctor.predict.HealthReport;
import io.nxs.doctor.sample.SampleStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the dashboard's host charts get from the Doctor's samples and predictions. */
class HostViewTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void anHourAtOneSecondIsThinnedToAChartAndDisksAreChartedPerMount() {
    SampleStore samples = new SampleStore(Duration.ofHours(1), Duration.ofSeconds(1), 100);
    for (int i = 0; i < 3600; i++) {
      long at = T0.plusSeconds(i).toEpochMilli();
      samples.add("cpu.usage_percent", Map.of(), at, i % 100);
      samples.add("disk.usage_percent", Map.of("mount", "/"), at, 50 + i / 360.0);
      samples.add("disk.usage_percent", Map.of("mount", "/data"), at, 10);
    }

    Map<String, Object> view = HostView.of(samples, null);

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> series = (Map<String, Map<String, Object>>) view.get("series");
    assertThat(series).containsOnlyKeys("CPU", "Disk /", "Disk /data");
    assertThat((List<?>) series.get("CPU").get("points")).hasSizeBetween(100, HostView.MAX_POINTS);
    assertThat(series.get("Disk /").get("latest")).isEqualTo(60.0);
    assertThat(series.get("Disk /")).doesNotContainKey("exhaustion_at");
  }

  @Test
  void aPredictedExhaustionIsGivenAsATimeOnTheMatchingChartOnly() {
    SampleStore samples = new SampleStore(Duration.ofHours(1), Duration.ofSeconds(60), 100);
    samples.add("disk.usage_percent", Map.of("mount", "/"), T0.toEpochMilli(), 90);
    samples.add("disk.usage_percent", Map.of("mount", "/data"), T0.toEpochMilli(), 20);
    HealthReport health =
        new HealthReport(
            T0,
            70,
            Map.of(),
            Map.of(),
            List.of(new HealthReport.Exhaustion("disk", Map.of("mount", "/"), 2.5, 4.0)),
            List.of());

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> series =
        (Map<String, Map<String, Object>>) HostView.of(samples, health).get("series");

    assertThat(series.get("Disk /").get("exhaustion_at")).isEqualTo("2026-12-01T12:30:00Z");
    assertThat(series.get("Disk /data")).doesNotContainKey("exhaustion_at");
  }
}
