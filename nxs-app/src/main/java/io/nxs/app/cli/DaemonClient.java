package io.nxs.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.app.NxsHome;
import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.core.config.ConfigLoader;
import io.nxs.core.http.ServerConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The CLI's way to the running daemon: the address from the home's {@code nxs.yaml}, the key from
 * {@code NXS_API_KEY} or {@code keys/admin.key}. A daemon that does not answer is exit code 3; an
 * API error is its message, one line.
 */
final class DaemonClient {

  private final String baseUrl;
  private final String key;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  private DaemonClient(String baseUrl, String key) {
    this.baseUrl = baseUrl;
    this.key = key;
  }

  static DaemonClient connect(GlobalOptions global) {
    NxsHome home = global.home();
    if (!home.exists()) {
      throw new UsageException(
          "no NXS home at " + home.dir() + ": start NXS once with 'nxs serve', or pass --home");
    }
    // Only the address is needed here: the daemon validated the whole file when it started.
    ServerConfig server =
        ConfigLoader.only(List.of(ServerConfig.SECTION), global.env)
            .load(home.config())
            .section(ServerConfig.SECTION);
    String host =
        server.host().equals("0.0.0.0") || server.host().equals("::") ? "127.0.0.1" : server.host();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    String key = global.env.get("NXS_API_KEY");
    if (key == null || key.isBlank()) {
      try {
        key = Files.readString(home.adminKey(), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new UsageException(
            "no API key: set NXS_API_KEY or make " + home.adminKey() + " readable");
      }
    }
    return new DaemonClient("http://" + host + ":" + server.port(), key);
  }

  JsonNode get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  /** A GET that answers with a body whatever its status, such as {@code /readyz}'s 503. */
  JsonNode probe(String path) {
    return exchange(HttpRequest.newBuilder(uri(path)).GET()).body();
  }

  /** Where the daemon is, e.g. {@code http://127.0.0.1:8787}. */
  String baseUrl() {
    return baseUrl;
  }

  /** A GET whose route may be absent (a module this build does not run): empty on 404. */
  Optional<JsonNode> find(String path) {
    Answer answer = exchange(HttpRequest.newBuilder(uri(path)).GET());
    return answer.status() == 404 ? Optional.empty() : Optional.of(answer.bodyOrThrow());
  }

  JsonNode post(String path, Object body) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : Json.write(body))));
  }

  /** A POST of raw bytes, e.g. a file to score, with its content type when known. */
  JsonNode postBytes(String path, byte[] body, String contentType) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b);
  }

  private URI uri(String path) {
    return URI.create(baseUrl + path);
  }

  private JsonNode send(HttpRequest.Builder request) {
    return exchange(request).bodyOrThrow();
  }

  private Answer exchange(HttpRequest.Builder request) {
    HttpResponse<String> response;
    try {
      response =
          http.send(
              request
                  .header("Authorization", "Bearer " + key)
                  .timeout(Duration.ofMinutes(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException | HttpTimeoutException e) {
      throw new DaemonUnreachableException(
          "the NXS daemon at " + baseUrl + " does not answer: start it with 'nxs serve'", e);
    } catch (IOException e) {
      throw new DaemonUnreachableException(
          "the NXS daemon at " + baseUrl + " failed to answer (" + e.getMessage() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NxsException("interrupted");
    }
    JsonNode body;
    try {
      body = Json.mapper().readTree(response.body().isEmpty() ? "{}" : response.body());
    } catch (IOException e) {
      throw new NxsException(
          "the daemon answered " + response.statusCode() + " with a body that is not JSON");
    }
    return new Answer(response.statusCode(), body);
  }

  private record Answer(int status, JsonNode body) {
    JsonNode bodyOrThrow() {
      if (status >= 400) {
        throw new NxsException(body.path("error").path("message").asText("HTTP " + status));
      }
      return body;
    }
  }
}
