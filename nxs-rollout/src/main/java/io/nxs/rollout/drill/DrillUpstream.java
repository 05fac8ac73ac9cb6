package io.nxs.rollout.drill;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nxs.core.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model provider on loopback for the drills that exercise the gateway ({@code credential-expiry},
 * {@code partition}): it speaks the OpenAI-compatible {@code GET /v1/models} and {@code POST
 * /v1/chat/completions} a scratch instance's gateway calls, answers only the API keys it currently
 * accepts (401 otherwise, as a provider whose key expired does), and can be taken off the network
 * and brought back on the same port (a partition: connections refused). Its answers name it, so a
 * drill sees which provider answered. A drill's stand-in for a remote API, never used by the
 * daemon.
 */
final class DrillUpstream implements AutoCloseable {

  /** The longest an answer is held: a drill that forgets to answer does not leave threads. */
  private static final Duration HOLD_LIMIT = Duration.ofMinutes(2);

  private final String name;
  private final InetAddress address;
  private final Set<String> accepted = new CopyOnWriteArraySet<>();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final AtomicInteger holding = new AtomicInteger();
  private volatile CountDownLatch held;
  private HttpServer server;
  private int port;

  /**
   * Starts it on a free loopback port.
   *
   * @param name what its answers say answered them
   * @param keys the API keys it accepts at first
   */
  DrillUpstream(String name, String... keys) throws IOException {
    this.name = name;
    this.address = InetAddress.getLoopbackAddress();
    accepted.addAll(List.of(keys));
    this.server = listen(0);
    this.port = server.getAddress().getPort();
  }

  int port() {
    return port;
  }

  /** Accepts only these keys from now on: every other one is answered 401. */
  void acceptOnly(String... keys) {
    accepted.clear();
    accepted.addAll(List.of(keys));
  }

  /** Whether a request ever came with this key (the rotated key reached the provider). */
  boolean saw(String key) {
    return seen.contains(key);
  }

  /**
   * From now on a chat completion is answered only at {@link #answerHeld}: a slow provider, so the
   * requests it has (their bodies read) stay in flight in the daemon.
   */
  void holdAnswers() {
    held = new CountDownLatch(1);
  }

  /** Answers every held chat completion, and the next ones at once. */
  void answerHeld() {
    CountDownLatch l = held;
    held = null;
    if (l != null) {
      l.countDown();
    }
  }

  /** How many chat completions wait for {@link #answerHeld} now. */
  int holding() {
    return holding.get();
  }

  /** Off the network: the port closes, a connection is refused. */
  synchronized void disconnect() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  /** Back on the network on the same port. */
  synchronized void reconnect() throws IOException {
    if (server == null) {
      server = listen(port);
    }
  }

  private HttpServer listen(int onPort) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(address, onPort), 0);
    s.createContext("/v1/", this::handle);
    // One virtual thread per exchange: a held answer must not hold up the others.
    s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    s.start();
    return s;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      ex.getRequestBody().readAllBytes();
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      String key = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : "";
      seen.add(key);
      String path = ex.getRequestURI().getPath();
      if (!accepted.contains(key)) {
        reply(
            ex,
            401,
            Map.of(
                "error",
                Map.of(
                    "message",
                    "Incorrect API key provided",
                    "type",
                    "invalid_request_error",
                    "code",
                    "invalid_api_key")));
      } else if (path.equals("/v1/models") && ex.getRequestMethod().equals("GET")) {
        reply(
            ex,
            200,
            Map.of(
                "object",
                "list",
                "data",
                List.of(Map.of("id", "drill-model", "object", "model", "owned_by", name))));
      } else if (path.equals("/v1/chat/completions") && ex.getRequestMethod().equals("POST")) {
        awaitAnswer();
        reply(ex, 200, completion());
      } else {
        reply(ex, 404, Map.of("error", Map.of("message", "no route " + path)));
      }
    }
  }

  private void awaitAnswer() throws IOException {
    CountDownLatch l = held;
    if (l == null) {
      return;
    }
    holding.incrementAndGet();
    try {
      if (!l.await(HOLD_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IOException("held answer not released within " + HOLD_LIMIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while holding an answer", e);
    } finally {
      holding.decrementAndGet();
    }
  }

  private Map<String, Object> completion() {
    return Map.of(
        "id",
        "chatcmpl-drill",
        "object",
        "chat.completion",
        "created",
        1_767_225_600L,
        "model",
        "drill-model",
        "choices",
        List.of(
            Map.of(
                "index",
                0,
                "message",
                Map.of("role", "assistant", "content", "answered by " + name),
                "finish_reason",
                "stop")),
        "usage",
        Map.of("prompt_tokens", 1, "completion_tokens", 3, "total_tokens", 4));
  }

  private static void reply(HttpExchange ex, int status, Map<String, Object> body)
      throws IOException {
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    answerHeld();
    disconnect();
  }
}
