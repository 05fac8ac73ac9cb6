package io.nxs.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.app.DaemonAddress;
import io.nxs.app.NxsHome;
import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.core.config.ConfigLoader;
import io.nxs.core.http.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Function;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * The CLI's way to the running daemon: the address from the home's {@code nxs.yaml}, the key from
 * {@code NXS_API_KEY} or {@code keys/admin.key}. A daemon that does not answer is exit code 3; an
 * API error is its message, one line. With {@code server.tls} it speaks HTTPS and trusts exactly
 * the certificate in {@code server.tls.cert_file} ({@link PinnedCertificate}).
 */
final class DaemonClient {

  private static final int CONNECT_TIMEOUT_MS = 3_000;
  private static final int READ_TIMEOUT_MS = 10 * 60_000;

  private final String baseUrl;
  private final String key;
  private final SSLSocketFactory tls;

  private DaemonClient(String baseUrl, String key, SSLSocketFactory tls) {
    this.baseUrl = baseUrl;
    this.key = key;
    this.tls = tls;
  }

  static DaemonClient connect(GlobalOptions global) {
    NxsHome home = global.home();
    if (!home.exists()) {
      throw new UsageException(
          "no NXS home at " + home.dir() + ": start NXS once with 'nxs serve', or pass --home");
    }
    // Where a running daemon listens is in daemon.address, written when it started listening: no
    // YAML to parse. Without it (stopped, or TLS, whose pinned certificate is in the config) only
    // the address is needed from nxs.yaml: the daemon validated the whole file when it started.
    Optional<DaemonAddress> running = DaemonAddress.read(home);
    String baseUrl;
    SSLSocketFactory tls = null;
    if (running.isPresent()) {
      baseUrl = running.get().url().toString();
    } else {
      ServerConfig server =
          ConfigLoader.only(List.of(ServerConfig.SECTION), global.env)
              .load(home.config())
              .section(ServerConfig.SECTION);
      baseUrl = DaemonAddress.of(server, server.port()).toString();
      if (server.tls() != null) {
        tls =
            PinnedCertificate.context(server.tls().leaf(), server.tls().certFile())
                .getSocketFactory();
      }
    }
    String key = global.env.get("NXS_API_KEY");
    if (key == null || key.isBlank()) {
      try {
        key = Files.readString(home.adminKey(), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new UsageException(
            "no API key: set NXS_API_KEY or make " + home.adminKey() + " readable", e);
      }
    }
    return new DaemonClient(baseUrl, key, tls);
  }

  JsonNode get(String path) {
    return exchange("GET", path, null, null).bodyOrThrow();
  }

  /** A GET that answers with a body whatever its status, such as {@code /readyz}'s 503. */
  JsonNode probe(String path) {
    return exchange("GET", path, null, null).body();
  }

  /** Whether the daemon listens on this machine's loopback, so its pid is a local process. */
  boolean onThisMachine() {
    String host = URI.create(baseUrl).getHost();
    return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
  }

  /** Where the daemon is, e.g. {@code http://127.0.0.1:8787}. */
  String baseUrl() {
    return baseUrl;
  }

  /** A GET whose route may be absent (a module this build does not run): empty on 404. */
  Optional<JsonNode> find(String path) {
    Answer answer = exchange("GET", path, null, null);
    return answer.status() == 404 ? Optional.empty() : Optional.of(answer.bodyOrThrow());
  }

  /**
   * Each request at once (one thread each: the daemon answers them side by side), their answers in
   * the order given; the first request's failure, in that order, is thrown, as one at a time would.
   */
  <T> List<T> all(List<Function<DaemonClient, T>> requests) {
    List<FutureTask<T>> answers = new ArrayList<>();
    for (Function<DaemonClient, T> request : requests) {
      FutureTask<T> answer = new FutureTask<>(() -> request.apply(this));
      Thread.ofPlatform().daemon().name("nxs-request").start(answer);
      answers.add(answer);
    }
    List<T> found = new ArrayList<>();
    for (FutureTask<T> answer : answers) {
      try {
        found.add(answer.get());
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the daemon", e);
      }
    }
    return found;
  }

  JsonNode post(String path, Object body) {
    byte[] json = (body == null ? "{}" : Json.write(body)).getBytes(StandardCharsets.UTF_8);
    return exchange("POST", path, json, "application/json").bodyOrThrow();
  }

  /** A POST of raw bytes, e.g. a file to score, with its content type when known. */
  JsonNode postBytes(String path, byte[] body, String contentType) {
    return exchange("POST", path, body, contentType).bodyOrThrow();
  }

  /**
   * One request over the JDK's {@link HttpURLConnection}: for a CLI that makes a request or two and
   * exits it starts far faster than {@code java.net.http.HttpClient} (no selector thread, and no
   * TLS set-up or CA store for plain HTTP).
   */
  private Answer exchange(String method, String path, byte[] body, String contentType) {
    int status;
    String text;
    ParallelStart.awaitUrlSearch();
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(baseUrl + path).toURL().openConnection();
      if (c instanceof HttpsURLConnection https) {
        https.setSSLSocketFactory(tls);
        // The certificate is pinned (PinnedCertificate): which name it carries adds nothing.
        https.setHostnameVerifier((hostname, session) -> true);
      }
      c.setConnectTimeout(CONNECT_TIMEOUT_MS);
      c.setReadTimeout(READ_TIMEOUT_MS);
      c.setRequestMethod(method);
      c.setRequestProperty("Authorization", "Bearer " + key);
      c.setRequestProperty("Accept", "application/json");
      if (body != null) {
        c.setDoOutput(true);
        if (contentType != null) {
          c.setRequestProperty("Content-Type", contentType);
        }
        c.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = c.getOutputStream()) {
          out.write(body);
        }
      }
      status = c.getResponseCode();
      try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (ConnectException | SocketTimeoutException e) {
      throw new DaemonUnreachableException(
          "the NXS daemon at " + baseUrl + " does not answer: start it with 'nxs serve'", e);
    } catch (IOException e) {
      throw new DaemonUnreachableException(
          "the NXS daemon at " + baseUrl + " failed to answer (" + e.getMessage() + ")", e);
    }
    JsonNode answer;
    try {
      answer = JsonTree.read(text.isEmpty() ? "{}" : text);
    } catch (IOException e) {
      throw new NxsException("the daemon answered " + status + " with a body that is not JSON", e);
    }
    return new Answer(status, answer);
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
