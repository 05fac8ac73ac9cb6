package io.nxs.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One try of one provider inside one request: who, how it ended, how long it took.
 *
 * @param provider the provider's name
 * @param outcome how it ended
 * @param status the upstream's HTTP status, or 0 when there was none
 * @param detail one line of detail (never a credential)
 * @param credential which credential was used: {@code current}, {@code next} or {@code none}
 * @param startedAt when it started
 * @param took how long it took
 */
public record Attempt(
    String provider,
    Outcome outcome,
    int status,
    String detail,
    String credential,
    Instant startedAt,
    Duration took) {

  /** {@code kimi-primary: refused after 2 ms (connection refused)}. */
  public String describe() {
    StringBuilder sb = new StringBuilder(provider).append(": ").append(outcome.label());
    if (status > 0) {
      sb.append(" (HTTP ").append(status).append(')');
    }
    sb.append(" after ").append(took.toMillis()).append(" ms");
    if (detail != null && !detail.isBlank()) {
      sb.append(" - ").append(detail);
    }
    return sb.toString();
  }

  /** The {@code x-nxs-attempts} header: {@code kimi-primary=refused;2ms, ollama-local=ok;40ms}. */
  public static String header(List<Attempt> attempts) {
    StringBuilder sb = new StringBuilder(32 * attempts.size());
    for (Attempt a : attempts) {
      if (!sb.isEmpty()) {
        sb.append(", ");
      }
      sb.append(a.provider())
          .append('=')
          .append(a.outcome().label())
          .append(';')
          .append(a.took().toMillis())
          .append("ms");
    }
    return sb.toString();
  }
}
