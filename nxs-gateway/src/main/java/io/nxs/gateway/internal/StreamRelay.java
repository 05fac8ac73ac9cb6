package io.nxs.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nxs.core.Json;
import io.nxs.core.log.Redaction;
import io.nxs.gateway.Attempt;
import io.nxs.gateway.Outcome;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays a won stream to the client (GW6): the buffered lines up to the first content chunk, then
 * every further line as it comes, unchanged (tool-call deltas and vendor fields included).
 *
 * <p>After the first byte reached the client there is no failover: an upstream failure (a gap
 * longer than {@code idle_timeout}, the total {@code timeout}, a broken connection, or an end
 * without {@code [DONE]}) ends the stream with an in-band error event and no {@code [DONE]}, so the
 * client can never mistake a cut for a clean finish. The usage-only chunk NXS asked for is read for
 * accounting and passed on only when the client asked for it too.
 */
final class StreamRelay {

  /** How a relay ended. */
  record End(Outcome outcome, JsonNode usage, String detail) {}

  private static final Logger LOG = LoggerFactory.getLogger(StreamRelay.class);
  private static final long AFTER_DONE_NANOS = 200_000_000L;

  private final AttemptResult.Ready ready;
  private final UpstreamCall call;
  private final OutputStream out;
  private JsonNode usage;
  private boolean skipBlank;
  private boolean done;

  StreamRelay(AttemptResult.Ready ready, UpstreamCall call, OutputStream out) {
    this.ready = ready;
    this.call = call;
    this.out = out;
  }

  /**
   * Relays until the end of the stream.
   *
   * @throws IOException when the client went away (the upstream exchange is cancelled first)
   */
  End run() throws IOException {
    UpstreamExchange ex = ready.exchange();
    long idle = ready.provider().config().idleTimeout().toNanos();
    try {
      for (String line : ready.prefix()) {
        forward(line);
      }
      out.flush();
      while (true) {
        String line;
        // After [DONE] the answer is complete: wait only briefly for the body's end (so the
        // connection can be reused), never an idle_timeout, and never report an error.
        long wait = done ? AFTER_DONE_NANOS : idle;
        try {
          line = ex.nextLine(Math.min(ready.streamDeadline(), System.nanoTime() + wait));
        } catch (TimeoutException | IOException e) {
          ex.cancel();
          if (done) {
            out.flush();
            return new End(Outcome.OK, usage, "");
          }
          if (e instanceof IOException io) {
            return fail(
                "the upstream connection broke ("
                    + (io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage())
                    + ")");
          }
          boolean total = System.nanoTime() - ready.streamDeadline() >= 0;
          return fail(
              total
                  ? "the stream exceeded the provider's total timeout"
                  : "no chunk within idle_timeout");
        }
        if (line == null) {
          if (done) {
            out.flush();
            return new End(Outcome.OK, usage, "");
          }
          return fail("the upstream ended the stream without [DONE]");
        }
        forward(line);
      }
    } catch (IOException clientGone) {
      ex.cancel();
      throw clientGone;
    }
  }

  private void forward(String line) throws IOException {
    if (line.isEmpty()) {
      if (skipBlank) {
        skipBlank = false;
        return;
      }
      write("");
      out.flush();
      return;
    }
    if (line.startsWith("data:")) {
      String data = line.substring(5).strip();
      if (data.equals("[DONE]")) {
        done = true;
      } else if (data.contains("\"usage\"")) {
        JsonNode chunk = parse(data);
        if (chunk != null && chunk.path("usage").isObject()) {
          usage = chunk.get("usage");
          if (StreamChunks.usageOnly(chunk) && !call.clientWantsUsage()) {
            skipBlank = true;
            return;
          }
        }
      }
    }
    write(line);
  }

  private void write(String line) throws IOException {
    out.write(line.getBytes(StandardCharsets.UTF_8));
    out.write('\n');
  }

  private End fail(String why) throws IOException {
    String provider = ready.provider().name();
    ObjectNode body = Json.mapper().createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put(
        "message",
        Redaction.redact(
            "provider " + provider + " failed mid-stream: " + why + "; the answer is incomplete"));
    error.put("type", "upstream_error");
    error.putNull("param");
    error.put("code", "stream_interrupted");
    write("data: " + body);
    write("");
    out.flush();
    return new End(Outcome.CUT, usage, why);
  }

  /** The attempt record of a cut stream. */
  Attempt cutAttempt(End end, Duration took) {
    Attempt a = ready.attempt();
    return new Attempt(
        a.provider(), Outcome.CUT, a.status(), end.detail(), a.credential(), a.startedAt(), took);
  }

  private static JsonNode parse(String data) {
    try {
      return ScanJson.mapper().readTree(data);
    } catch (IOException e) {
      // A chunk that mentions usage but is not JSON is relayed as it is, just not counted.
      LOG.debug("a stream chunk with usage is not JSON: {}", e.toString());
      return null;
    }
  }
}
