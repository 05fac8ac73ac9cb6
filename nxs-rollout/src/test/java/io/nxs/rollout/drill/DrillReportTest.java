package io.nxs.rollout.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrillReportTest {

  private static final Instant T = Instant.parse("2026-12-06T15:00:00Z");

  @Test
  void passesOnlyWhenEveryCheckHeldAndThereIsOne() {
    DrillReport.Check ok = new DrillReport.Check("ready within 60 s", true, "/readyz 200");
    DrillReport.Check bad = new DrillReport.Check("stops cleanly on SIGTERM", false, "exit 137");

    assertThat(new DrillReport("clean-start", T, Duration.ofSeconds(3), List.of(ok)).passed())
        .isTrue();
    assertThat(new DrillReport("clean-start", T, Duration.ofSeconds(3), List.of(ok, bad)).passed())
        .isFalse();
    assertThat(new DrillReport("clean-start", T, Duration.ZERO, List.of()).passed()).isFalse();
  }

  @Test
  void theTextSaysTheVerdictAndOneLinePerCheck() {
    DrillReport report =
        new DrillReport(
            "clean-start",
            T,
            Duration.ofMillis(4200),
            List.of(
                new DrillReport.Check("ready within 60 s", true, "/readyz 200 after 4100 ms"),
                new DrillReport.Check("stops cleanly on SIGTERM", false, "exit 137")));

    assertThat(report.toText())
        .isEqualTo(
            "drill clean-start: FAILED (4200 ms, started 2026-12-06T15:00:00Z)\n"
                + "  ok    ready within 60 s: /readyz 200 after 4100 ms\n"
                + "  FAIL  stops cleanly on SIGTERM: exit 137\n");
  }
}
