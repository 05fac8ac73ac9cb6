package io.nxs.session.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import io.nxs.session.SessionException;
import io.nxs.session.transfer.Bundle;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The source's client for the target's {@code /api/v1/migrations/incoming} routes, authenticated
 * with the target's API key. A target that does not answer (refused, reset, timed out, 5xx) is an
 * {@link IOException} the caller may retry; an answer that refuses is a {@link PeerException}.
 */
final class TargetPeer {

  static final String BASE = "/api/v1/migrations/incoming";

  private final URI target;
  private final String key;
  private final HttpClient http;

  TargetPeer(URI target, String key) {
    this.target = target;
    this.key = key;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  URI target() {
    return target;
  }

  Handshake.Plan handshake(Handshake offer) throws IOException {
    return Json.mapper()
        .treeToValue(send(json(BASE, "POST", Json.write(offer))), Handshake.Plan.class);
  }

  /** Registers the bundle of the current phase; returns the bytes of each file held already. */
  long[] bundle(String id, Bundle bundle) throws IOException {
    JsonNode r = send(json(BASE + "/" + id + "/bundle", "PUT", Json.write(bundle)));
    JsonNode received = r.path("received");
    long[] out = new long[bundle.files().size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = received.path(i).asLong(0);
    }
    return out;
  }

  /** Sends one chunk frame; returns the file's bytes now durable at the target. */
  long chunk(String id, byte[] frame) throws IOException {
    HttpRequest request =
        request(BASE + "/" + id + "/chunks")
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(frame))
            .build();
    return send(request).path("received").asLong();
  }

  /**
   * Sends {@code payload} (a chunk's frame) to be handled as a chunk and dropped, and returns the
   * seconds to the answer.
   */
  double probe(String id, byte[] payload) throws IOException {
    HttpRequest request =
        request(BASE + "/" + id + "/probe")
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(payload))
            .build();
    long started = System.nanoTime();
    long received = send(request).path("received").asLong(-1);
    long nanos = Math.max(1, System.nanoTime() - started);
    if (received != payload.length) {
      throw new IOException(
          "the target counted " + received + " of the probe's " + payload.length + " bytes");
    }
    return nanos / 1e9;
  }

  void commit(String id) throws IOException {
    send(json(BASE + "/" + id + "/commit", "POST", "{}"));
  }

  /** The target's record of the migration. */
  MigrationRecord status(String id) throws IOException {
    return Json.mapper()
        .treeToValue(send(request(BASE + "/" + id).GET().build()), MigrationRecord.class);
  }

  void abort(String id, String reason) throws IOException {
    send(json(BASE + "/" + id + "/abort", "POST", Json.write(java.util.Map.of("reason", reason))));
  }

  private HttpRequest json(String path, String method, String body) {
    return request(path)
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(target.resolve(path))
        .header("Authorization", "Bearer " + key)
        .timeout(Duration.ofMinutes(2));
  }

  private JsonNode send(HttpRequest request) throws IOException {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SessionException("interrupted while talking to " + target, e);
    }
    int status = response.statusCode();
    // 500 and the gateway errors are a target that may answer better soon; 507 (no room) and the
    // 4xx are answers.
    boolean transientFailure = status == 500 || (status >= 502 && status <= 504);
    JsonNode body;
    try {
      body = Json.mapper().readTree(response.body().isEmpty() ? "{}" : response.body());
    } catch (IOException e) {
      if (transientFailure) {
        throw new IOException("the target answered " + status);
      }
      throw new PeerException(
          status, "not_json", target + " answered " + status + " with a body that is not JSON");
    }
    if (transientFailure) {
      throw new IOException(
          "the target answered " + status + ": " + body.path("error").path("message").asText(""));
    }
    if (status == 401 || status == 403) {
      throw new PeerException(
          status,
          "key",
          "the target "
              + target
              + " refused the key (HTTP "
              + status
              + "): give an admin key of the target — `nxs key create --scope admin` there —"
              + " in the key file");
    }
    if (status == 404 && body.path("error").path("code").asText("").isEmpty()) {
      throw new PeerException(
          status, "not_found", target + " has no session migration API: is it an NXS daemon?");
    }
    if (status >= 400) {
      JsonNode error = body.path("error");
      throw new PeerException(
          status,
          error.path("code").asText("refused"),
          "the target refused: " + error.path("message").asText("HTTP " + status));
    }
    return body;
  }
}
