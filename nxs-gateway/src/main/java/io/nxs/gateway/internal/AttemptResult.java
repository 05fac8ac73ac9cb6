package io.nxs.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.gateway.Attempt;
import java.time.Duration;
import java.util.List;

/** How one attempt ended, with what the caller needs to go on. */
sealed interface AttemptResult {

  Attempt attempt();

  /**
   * The provider answered: a whole body, or a stream up to and including its first content chunk.
   *
   * @param exchange the open exchange to relay the rest of a stream from; null for a plain answer
   * @param prefix the stream's lines read so far (nothing has reached the client yet)
   * @param body a plain answer's body, the bytes the upstream sent
   * @param usage the plain answer's {@code usage}, or null
   * @param streamDeadline System.nanoTime() by which the whole stream must end
   */
  record Ready(
      Attempt attempt,
      ProviderRuntime provider,
      String model,
      UpstreamExchange exchange,
      List<String> prefix,
      byte[] body,
      JsonNode usage,
      long streamDeadline)
      implements AttemptResult {}

  /** The upstream refused the client's request itself (400/404/422): returned as is. */
  record Rejected(Attempt attempt, int status, String body) implements AttemptResult {}

  /**
   * The attempt failed in a way that allows failover.
   *
   * @param retryAfter the upstream's {@code Retry-After}, or null
   */
  record Failed(Attempt attempt, Duration retryAfter) implements AttemptResult {}
}
