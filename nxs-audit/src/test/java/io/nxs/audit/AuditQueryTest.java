package io.nxs.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code nxs audit query --since --type --actor}: parsing and filtering on a real log. */
class AuditQueryTest {

  private final AuditFixture f = new AuditFixture();

  @AfterEach
  void close() {
    f.close();
  }

  @ParameterizedTest
  @CsvSource({
    "30m, PT30M",
    "24h, PT24H",
    "7d, PT168H",
    "2w, PT336H",
    "90s, PT1M30S",
    "' 7D ', PT168H"
  })
  void relativeSinceIsAWindow(String since, String expected) {
    assertThat(AuditQuery.parse(since, null, null).window()).isEqualTo(Duration.parse(expected));
  }

  @Test
  void absoluteSinceIsAnInstantOrADate() {
    assertThat(AuditQuery.parse("2026-11-01T10:00:00Z", null, null).from())
        .isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
    assertThat(AuditQuery.parse("2026-11-01", null, null).from())
        .isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "yesterday",
        "24",
        "-1h",
        "1y",
        "99999999d",
        "2026-13-01",
        "+99999-01-01T00:00:00Z"
      })
  void badSinceIsOneLineQuotingTheValue(String since) {
    assertThatThrownBy(() -> AuditQuery.parse(since, null, null))
        .isInstanceOf(NxsException.class)
        .hasMessageStartingWith("since must be")
        .hasMessageContaining(since)
        .hasMessageNotContaining("\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Security.*", "security.[a]", "sec urity", "a?b", "x;drop table"})
  void badTypeGlobIsRejected(String glob) {
    assertThatThrownBy(() -> AuditQuery.parse(null, glob, null))
        .isInstanceOf(NxsException.class)
        .hasMessageStartingWith("type must be");
  }

  @Test
  void badActorAndLimitAreRejected() {
    assertThatThrownBy(() -> AuditQuery.parse(null, null, "a\nb"))
        .isInstanceOf(NxsException.class)
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> AuditQuery.all().withLimit("0")).hasMessageContaining("limit");
    assertThatThrownBy(() -> AuditQuery.all().withLimit("lots")).hasMessageContaining("'lots'");
  }

  @Test
  void sinceTypeGlobAndActorFilterEntries() {
    f.log.append(new AuditEvent("security.lockout", Severity.HIGH, "gate", "10.0.0.9", Map.of()));
    f.clock.advance(Duration.ofHours(30));
    f.log.append(
        new AuditEvent("security.auth_failure", Severity.MEDIUM, "gate", "10.0.0.9", Map.of()));
    f.log.append(new AuditEvent("provider.failover", Severity.INFO, "gateway", "ollama", Map.of()));
    f.log.append(new AuditEvent("security.anomaly", Severity.HIGH, "doctor", "host", Map.of()));
    f.clock.advance(Duration.ofHours(1));

    assertThat(types(AuditQuery.parse("24h", "security.*", null)))
        .containsExactly("security.auth_failure", "security.anomaly");
    assertThat(types(AuditQuery.parse(null, "security.*", null)))
        .containsExactly("security.lockout", "security.auth_failure", "security.anomaly");
    assertThat(types(AuditQuery.parse("7d", null, "gate")))
        .containsExactly("security.lockout", "security.auth_failure");
    assertThat(types(AuditQuery.parse("2026-01-02T06:00:00Z", "*.failover", null)))
        .containsExactly("provider.failover");
    assertThat(types(AuditQuery.parse("30m", null, null))).isEmpty();
  }

  @Test
  void limitKeepsTheNewestInChainOrder() {
    f.appendSequentially(10);

    List<AuditEntry> last3 = f.log.query(AuditQuery.all().withLimit(3));

    assertThat(last3).extracting(AuditEntry::seq).containsExactly(8L, 9L, 10L);
    assertThat(last3.getLast().details()).containsEntry("attempt", 10);
    assertThat(last3.getLast().signature()).isNotBlank();
  }

  private List<String> types(AuditQuery q) {
    return f.log.query(q).stream().map(AuditEntry::eventType).toList();
  }
}
