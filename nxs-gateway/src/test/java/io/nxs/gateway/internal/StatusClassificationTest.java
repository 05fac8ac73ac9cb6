package io.nxs.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.gateway.Outcome;
import io.nxs.testkit.MutableClock;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GW5: which upstream answers fail over, and how long a 429's Retry-After keeps a provider out. */
class StatusClassificationTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "429, '', RATE_LIMITED",
    "401, '', AUTH_FAILED",
    "403, '', AUTH_FAILED",
    "408, '', TIMEOUT",
    "503, '{\"error\":\"Model is loading\"}', WARMING_UP",
    "503, '{\"error\":\"overloaded\"}', SERVER_ERROR",
    "500, '', SERVER_ERROR",
    "502, '', SERVER_ERROR",
    "400, '', CLIENT_ERROR",
    "404, '', CLIENT_ERROR",
    "422, '', CLIENT_ERROR",
    "302, '', UNPARSEABLE",
  })
  void statusesAreClassified(int status, String body, Outcome expected) {
    assertThat(ProviderRuntime.classifyStatus(status, body)).isEqualTo(expected);
  }

  @Test
  void connectionFailuresAreClassifiedByCause() {
    assertThat(ProviderRuntime.classify(new ConnectException("Connection refused")))
        .isEqualTo(Outcome.REFUSED);
    assertThat(ProviderRuntime.classify(new IOException("wrapped", new ConnectException("x"))))
        .isEqualTo(Outcome.REFUSED);
    assertThat(ProviderRuntime.classify(new InterruptedIOException("connect timed out")))
        .isEqualTo(Outcome.TIMEOUT);
    assertThat(ProviderRuntime.classify(new SocketException("Connection reset")))
        .isEqualTo(Outcome.RESET);
  }

  @Test
  void anAutoDetectThatFoundNoModelTakesTheProbesOutcome() {
    ProviderRuntime.ProbeResult refused =
        new ProviderRuntime.ProbeResult(
            clock.instant(), Outcome.REFUSED, 0, Duration.ZERO, null, "Connection refused");
    ProviderRuntime.ProbeResult empty =
        new ProviderRuntime.ProbeResult(
            clock.instant(), Outcome.OK, 200, Duration.ZERO, null, "no model listed");

    assertThat(ProviderRuntime.classify(new ProviderRuntime.NoModel(refused)))
        .isEqualTo(Outcome.REFUSED);
    assertThat(ProviderRuntime.classify(new ProviderRuntime.NoModel(empty)))
        .isEqualTo(Outcome.UNPARSEABLE);
  }

  @Test
  void retryAfterInSeconds() {
    assertThat(ProviderRuntime.retryAfter("7", clock)).isEqualTo(Duration.ofSeconds(7));
    assertThat(ProviderRuntime.retryAfter(" 0 ", clock)).isEqualTo(Duration.ZERO);
    assertThat(ProviderRuntime.retryAfter("999999", clock))
        .as("capped at a day")
        .isEqualTo(Duration.ofDays(1));
    assertThat(ProviderRuntime.retryAfter("-3", clock)).isNull();
  }

  @Test
  void retryAfterAsAnHttpDateCountsFromTheInjectedClock() {
    assertThat(ProviderRuntime.retryAfter("Sun, 01 Mar 2026 12:00:45 GMT", clock))
        .isEqualTo(Duration.ofSeconds(45));

    clock.advance(Duration.ofSeconds(40));

    assertThat(ProviderRuntime.retryAfter("Sun, 01 Mar 2026 12:00:45 GMT", clock))
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void anHttpDateInThePastMeansNoWait() {
    assertThat(ProviderRuntime.retryAfter("Sun, 01 Mar 2026 11:59:00 GMT", clock))
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void anAbsentOrUnreadableRetryAfterIsNone() {
    assertThat(ProviderRuntime.retryAfter(null, clock)).isNull();
    assertThat(ProviderRuntime.retryAfter("", clock)).isNull();
    assertThat(ProviderRuntime.retryAfter("tomorrow", clock)).isNull();
  }
}
