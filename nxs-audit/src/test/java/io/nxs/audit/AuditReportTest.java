package io.nxs.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code nxs audit report --weekly --format markdown|json}. */
class AuditReportTest {

  private final AuditFixture f = new AuditFixture();

  @BeforeEach
  void aWeekOfEvents() {
    f.log.append(new AuditEvent("backup.created", Severity.INFO, "vault", "daily", Map.of()));
    f.clock.advance(Duration.ofDays(10));
    f.log.append(new AuditEvent("security.lockout", Severity.HIGH, "gate", "10.0.0|9", Map.of()));
    f.log.append(
        new AuditEvent("security.key_compromise", Severity.CRITICAL, "admin", "k_1", Map.of()));
    f.log.append(
        new AuditEvent("provider.failover", Severity.MEDIUM, "gateway", "ollama", Map.of()));
    f.log.append(
        new AuditEvent("provider.failover", Severity.MEDIUM, "gateway", "openai", Map.of()));
    f.clock.advance(Duration.ofDays(1));
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void weeklyMarkdownCountsByTypeAndSeverityAndListsNotableEvents() {
    String md = f.log.report(ReportPeriod.WEEKLY, "markdown");

    assertThat(md).startsWith("# NXS audit report");
    assertThat(md).contains("Entries: 4");
    assertThat(md).contains("| provider.failover | 2 |");
    assertThat(md).contains("| security.lockout | 1 |");
    assertThat(md).doesNotContain("backup.created");
    assertThat(md).contains("| critical | 1 |", "| high | 1 |", "| medium | 2 |", "| info | 0 |");
    assertThat(md).contains("## Notable events (critical and high)");
    assertThat(md).contains("| security.key_compromise | admin | k_1 |");
    assertThat(md).as("pipes in cells are escaped").contains("10.0.0\\|9");
    assertThat(md).doesNotContain("| ollama |");
  }

  @Test
  void jsonReportHasTheSameFigures() throws Exception {
    JsonNode json = Json.mapper().readTree(f.log.report(Duration.ofDays(30), "json"));

    assertThat(json.get("total").asLong()).isEqualTo(5);
    assertThat(json.at("/by_type/provider.failover").asLong()).isEqualTo(2);
    assertThat(json.at("/by_severity/info").asLong()).isEqualTo(1);
    assertThat(json.get("notable")).hasSize(2);
    assertThat(json.at("/notable/0/event_type").asText()).isEqualTo("security.lockout");
  }

  @Test
  void anEmptyPeriodSaysSo() {
    f.clock.advance(Duration.ofDays(60));

    assertThat(f.log.report(ReportPeriod.DAILY, "markdown"))
        .contains("Entries: 0", "No events in this period.", "None.");
  }

  @Test
  void anUnknownFormatIsRejected() {
    assertThatThrownBy(() -> f.log.report(ReportPeriod.WEEKLY, "pdf"))
        .isInstanceOf(NxsException.class)
        .hasMessage("report format must be markdown or json, but was 'pdf'");
    assertThatThrownBy(() -> ReportPeriod.parse("yearly")).hasMessageContaining("'yearly'");
  }
}
