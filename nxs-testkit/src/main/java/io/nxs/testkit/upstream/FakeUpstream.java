package io.nxs.testkit.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nxs.core.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fault-injecting, OpenAI-compatible upstream on loopback: real HTTP/1.1 over real sockets, so
 * NXS meets the same refusals, resets, hangs, slow bytes, cut streams and error statuses it meets
 * in production (issue 3). It answers {@code GET /v1/models}, {@code POST /v1/chat/completions}
 * (plain and SSE streaming, with {@code stream_options.include_usage}), {@code /v1/completions} and
 * {@code /v1/embeddings}.
 *
 * <p>Design note: the server is written on plain sockets (one virtual thread per connection,
 * keep-alive, chunked streaming) rather than on an HTTP framework because faults such as a TCP
 * reset or a stream cut between two chunks need the socket itself. What it answers is set with
 * {@link #always(Script)} and {@link #once(Script)}; {@link #kill()} closes the listener and every
 * connection, so later connects are refused.
 */
public final class FakeUpstream implements Closeable {

  /** One request as the upstream received it. */
  public record Received(String method, String path, Map<String, String> headers, String body) {
    /** The body as JSON (an empty object for none). */
    public JsonNode json() {
      try {
        return Json.mapper().readTree(body.isEmpty() ? "{}" : body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** A header by lower-case name, or null. */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final String name;
  private final ServerSocket listener;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  /** Requests kept for {@link #requests()}: the newest this many (a load test sends millions). */
  public static final int KEPT_REQUESTS = 10_000;

  private final Queue<Received> received = new ConcurrentLinkedQueue<>();
  private final AtomicInteger kept = new AtomicInteger();
  private final Queue<Script> onceScripts = new ConcurrentLinkedQueue<>();
  private final AtomicReference<Script> always = new AtomicReference<>(Script.ok());
  private final AtomicInteger completed = new AtomicInteger();
  private volatile List<String> models = List.of("fake-model");
  private volatile boolean killed;

  private FakeUpstream(String name, ServerSocket listener) {
    this.name = name;
    this.listener = listener;
    Thread.ofPlatform().daemon().name("fake-upstream-" + name).start(this::acceptLoop);
  }

  /** Starts an upstream on a free loopback port. */
  public static FakeUpstream start(String name) {
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
      return new FakeUpstream(name, s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The OpenAI-style base URL, e.g. {@code http://127.0.0.1:41234/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  public int port() {
    return listener.getLocalPort();
  }

  public String name() {
    return name;
  }

  /** Answers every request (not taken by a {@link #once} script) like this. */
  public FakeUpstream always(Script script) {
    always.set(script);
    return this;
  }

  /** Answers the next request like this; several queue up in order. */
  public FakeUpstream once(Script script) {
    onceScripts.add(script);
    return this;
  }

  /** The model ids {@code GET /v1/models} lists; default {@code fake-model}. */
  public FakeUpstream models(List<String> ids) {
    this.models = List.copyOf(ids);
    return this;
  }

  /** The requests received so far (the newest {@link #KEPT_REQUESTS}), oldest first. */
  public List<Received> requests() {
    return new ArrayList<>(received);
  }

  /** Requests received on a path, e.g. {@code /v1/chat/completions}. */
  public long count(String path) {
    return received.stream().filter(r -> r.path().equals(path)).count();
  }

  /** Responses written to the end. */
  public int completed() {
    return completed.get();
  }

  /** Connections currently open (so tests see that NXS closed a loser's connection). */
  public int openConnections() {
    return open.size();
  }

  /** Closes the listener and every connection: from now on connects are refused. */
  public void kill() {
    killed = true;
    try {
      listener.close();
    } catch (IOException expected) {
      // closing a listener only fails when it is already closed
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
  }

  @Override
  public void close() {
    kill();
  }

  private void acceptLoop() {
    while (!killed) {
      Socket s;
      try {
        s = listener.accept();
      } catch (IOException e) {
        return;
      }
      open.add(s);
      Thread.ofVirtual().name("fake-upstream-conn").start(() -> serve(s));
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (!killed) {
        Received request = read(in);
        if (request == null) {
          return;
        }
        received.add(request);
        if (kept.incrementAndGet() > KEPT_REQUESTS && received.poll() != null) {
          kept.decrementAndGet();
        }
        if (!answer(request, socket, in, out)) {
          return;
        }
        completed.incrementAndGet();
        if ("close".equalsIgnoreCase(request.header("connection"))) {
          return;
        }
      }
    } catch (IOException | RuntimeException expected) {
      // the client went away or the upstream was killed: nothing to answer
    } finally {
      open.remove(socket);
    }
  }

  /** Writes the answer; false when the connection must end afterwards. */
  private boolean answer(Received r, Socket socket, InputStream in, OutputStream out)
      throws IOException {
    if (r.method().equals("GET") && r.path().endsWith("/models")) {
      ArrayNode data = Json.mapper().createArrayNode();
      for (String id : models) {
        data.addObject().put("id", id).put("object", "model").put("owned_by", name);
      }
      ObjectNode body = Json.mapper().createObjectNode().put("object", "list");
      body.set("data", data);
      writeJson(out, 200, Map.of(), body.toString());
      return true;
    }
    Script script = onceScripts.poll();
    if (script == null) {
      script = always.get();
    }
    pause(socket, in, script.headerDelay());
    JsonNode req = r.json();
    boolean stream = req.path("stream").asBoolean(false);
    switch (script.fault()) {
      case RESET -> {
        socket.setSoLinger(true, 0);
        socket.close();
        return false;
      }
      case HANG -> {
        // Hold the connection until the client gives up (EOF) or the upstream is killed.
        while (in.read() >= 0) {
          // discard
        }
        return false;
      }
      case STATUS -> {
        Map<String, String> headers =
            script.retryAfter() >= 0
                ? Map.of("Retry-After", Integer.toString(script.retryAfter()))
                : Map.of();
        writeJson(
            out,
            script.status(),
            headers,
            error("upstream " + name + " answers " + script.status(), code(script.status())));
        return true;
      }
      case CONTEXT_TOO_LONG -> {
        writeJson(
            out,
            400,
            Map.of(),
            error(
                "This model's maximum context length is 8192 tokens; your messages resulted in 9000 tokens",
                "context_length_exceeded"));
        return true;
      }
      case MODEL_LOADING -> {
        writeJson(
            out, 503, Map.of(), error("Model is loading, please retry shortly", "model_loading"));
        return true;
      }
      case REJECT_KEY -> {
        if (("Bearer " + script.rejectedKey()).equals(r.header("authorization"))) {
          writeJson(out, 401, Map.of(), error("Incorrect API key provided", "invalid_api_key"));
          return true;
        }
      }
      case MALFORMED -> {
        if (!stream) {
          writeJson(out, 200, Map.of(), "{\"id\": \"cmpl-1\", \"choices\": [ {\"messa");
          return true;
        }
      }
      default -> {
        // a good answer, below
      }
    }
    String path = r.path();
    if (path.endsWith("/embeddings")) {
      writeJson(out, 200, Map.of(), embeddings(req));
      return true;
    }
    boolean chat = path.endsWith("/chat/completions");
    if (!stream) {
      writeJson(out, 200, Map.of(), plain(req, script, chat));
      return true;
    }
    return stream(socket, in, out, req, script, chat);
  }

  private boolean stream(
      Socket socket, InputStream in, OutputStream out, JsonNode req, Script script, boolean chat)
      throws IOException {
    String model = req.path("model").asText("fake-model");
    boolean usage = req.path("stream_options").path("include_usage").asBoolean(false);
    out.write(
        ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    pause(socket, in, script.firstChunkDelay());
    if (script.fault() == Script.Fault.MALFORMED) {
      chunk(out, "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"del\n\n");
      chunk(out, "data: [DONE]\n\n");
      end(out);
      return true;
    }
    List<String> events = new ArrayList<>();
    if (chat) {
      events.add(chatChunk(model, delta().put("role", "assistant").put("content", ""), null));
    }
    int content = 0;
    if (chat && script.toolCalls()) {
      for (String e : toolCallEvents(model)) {
        events.add(e);
        content++;
      }
    } else {
      for (String piece : script.chunks()) {
        events.add(
            chat
                ? chatChunk(model, delta().put("content", piece), null)
                : textChunk(model, piece, null));
        content++;
      }
    }
    String finish = chat && script.toolCalls() ? "tool_calls" : "stop";
    events.add(chat ? chatChunk(model, delta(), finish) : textChunk(model, "", finish));
    int sentContent = 0;
    boolean first = true;
    for (String e : events) {
      if (script.fault() == Script.Fault.CUT && isContent(e) && sentContent >= script.cutAfter()) {
        return false; // drop the connection mid-stream: no terminating chunk
      }
      if (!first) {
        pause(socket, in, script.chunkGap());
      }
      first = false;
      chunk(out, "data: " + e + "\n\n");
      if (isContent(e)) {
        sentContent++;
      }
    }
    if (usage) {
      ObjectNode u = base(model, chat ? "chat.completion.chunk" : "text_completion");
      u.putArray("choices");
      u.set("usage", usage(content));
      chunk(out, "data: " + u + "\n\n");
    }
    chunk(out, "data: [DONE]\n\n");
    if (script.fault() == Script.Fault.HOLD_AFTER_DONE) {
      while (in.read() >= 0) {
        // hold the unterminated body open until the client closes the connection
      }
      return false;
    }
    end(out);
    return true;
  }

  private static boolean isContent(String event) {
    return event.contains("\"content\":\"") && !event.contains("\"content\":\"\"")
        || event.contains("\"tool_calls\"")
        || event.contains("\"text\":\"") && !event.contains("\"text\":\"\"");
  }

  private List<String> toolCallEvents(String model) {
    List<String> out = new ArrayList<>();
    ObjectNode first = delta();
    ObjectNode call = first.putArray("tool_calls").addObject();
    call.put("index", 0).put("id", "call_w1").put("type", "function");
    call.putObject("function").put("name", "get_weather").put("arguments", "");
    out.add(chatChunk(model, first, null));
    for (String part : List.of("{\"city\"", ": \"Ber", "lin\"}")) {
      ObjectNode d = delta();
      d.putArray("tool_calls")
          .addObject()
          .put("index", 0)
          .putObject("function")
          .put("arguments", part);
      out.add(chatChunk(model, d, null));
    }
    return out;
  }

  private static ObjectNode delta() {
    return Json.mapper().createObjectNode();
  }

  private ObjectNode base(String model, String object) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("id", "chatcmpl-" + name);
    n.put("object", object);
    n.put("created", 1_767_225_600L);
    n.put("model", model);
    n.put("system_fingerprint", "fp_" + name);
    return n;
  }

  private String chatChunk(String model, ObjectNode delta, String finish) {
    ObjectNode n = base(model, "chat.completion.chunk");
    ObjectNode choice = n.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("delta", delta);
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    n.putObject("x_vendor").put("upstream", name);
    return n.toString();
  }

  private String textChunk(String model, String text, String finish) {
    ObjectNode n = base(model, "text_completion");
    ObjectNode choice = n.putArray("choices").addObject();
    choice.put("index", 0).put("text", text);
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    return n.toString();
  }

  private String plain(JsonNode req, Script script, boolean chat) {
    String model = req.path("model").asText("fake-model");
    String text = String.join("", script.chunks());
    ObjectNode n = base(model, chat ? "chat.completion" : "text_completion");
    ObjectNode choice = n.putArray("choices").addObject();
    choice.put("index", 0);
    if (chat) {
      ObjectNode message = choice.putObject("message").put("role", "assistant");
      if (script.toolCalls()) {
        message.putNull("content");
        ObjectNode call = message.putArray("tool_calls").addObject();
        call.put("id", "call_w1").put("type", "function");
        call.putObject("function")
            .put("name", "get_weather")
            .put("arguments", "{\"city\": \"Berlin\"}");
      } else {
        message.put("content", text);
      }
    } else {
      choice.put("text", text);
    }
    choice.put("finish_reason", script.toolCalls() ? "tool_calls" : "stop");
    n.set("usage", usage(script.chunks().size()));
    n.putObject("x_vendor").put("upstream", name);
    return n.toString();
  }

  private String embeddings(JsonNode req) {
    ObjectNode n = Json.mapper().createObjectNode().put("object", "list");
    ObjectNode item = n.putArray("data").addObject().put("object", "embedding").put("index", 0);
    item.putArray("embedding").add(0.25).add(-0.5).add(name.length() / 10.0);
    n.put("model", req.path("model").asText("fake-model"));
    n.putObject("usage").put("prompt_tokens", 4).put("total_tokens", 4);
    return n.toString();
  }

  private static ObjectNode usage(int completionTokens) {
    ObjectNode u = Json.mapper().createObjectNode();
    u.put("prompt_tokens", 12)
        .put("completion_tokens", completionTokens)
        .put("total_tokens", 12 + completionTokens);
    return u;
  }

  private static String code(int status) {
    return status == 429
        ? "rate_limit_exceeded"
        : status >= 500 ? "server_error" : "invalid_request";
  }

  private static String error(String message, String code) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.putObject("error")
        .put("message", message)
        .put("type", "upstream_error")
        .putNull("param")
        .put("code", code);
    return n.toString();
  }

  private static void writeJson(
      OutputStream out, int status, Map<String, String> headers, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head =
        new StringBuilder("HTTP/1.1 ")
            .append(status)
            .append(' ')
            .append(reason(status))
            .append("\r\n");
    head.append("Content-Type: application/json\r\nContent-Length: ")
        .append(bytes.length)
        .append("\r\n");
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
  }

  private static void chunk(OutputStream out, String data) throws IOException {
    byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
    out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static void end(OutputStream out) throws IOException {
    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 422 -> "Unprocessable Entity";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  /** Reads one request; null at a clean end of the connection. */
  private static Received read(InputStream in) throws IOException {
    String requestLine = line(in);
    if (requestLine == null) {
      return null;
    }
    while (requestLine.isEmpty()) {
      requestLine = line(in);
      if (requestLine == null) {
        return null;
      }
    }
    String[] parts = requestLine.split(" ");
    if (parts.length < 2) {
      throw new IOException("bad request line: " + requestLine);
    }
    Map<String, String> headers = new TreeMap<>();
    for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
      int colon = h.indexOf(':');
      if (colon > 0) {
        headers.put(
            h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
      }
    }
    byte[] body;
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (String size = line(in); size != null; size = line(in)) {
        int n = Integer.parseInt(size.split(";")[0].trim(), 16);
        if (n == 0) {
          line(in);
          break;
        }
        b.write(in.readNBytes(n));
        line(in);
      }
      body = b.toByteArray();
    } else {
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      body = in.readNBytes(length);
    }
    String path = parts[1];
    int q = path.indexOf('?');
    return new Received(
        parts[0],
        q < 0 ? path : path.substring(0, q),
        Map.copyOf(headers),
        new String(body, StandardCharsets.UTF_8));
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int len = sb.length();
        return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
      }
      sb.append((char) c);
    }
    return sb.isEmpty() ? null : sb.toString();
  }

  /**
   * Waits like a slow upstream, but watches the connection meanwhile: when the client closes it (a
   * cancelled hedge, a timeout), the wait ends with an IOException, as a real server notices.
   */
  private static void pause(Socket socket, InputStream in, Duration d) throws IOException {
    if (d.isZero()) {
      return;
    }
    long deadline = System.nanoTime() + d.toNanos();
    try {
      for (long left = d.toMillis(); left > 0; left = (deadline - System.nanoTime()) / 1_000_000) {
        socket.setSoTimeout((int) Math.max(1, Math.min(left, Integer.MAX_VALUE)));
        try {
          if (in.read() < 0) {
            throw new IOException("the client closed the connection");
          }
        } catch (java.net.SocketTimeoutException expected) {
          // the time passed with the connection open
        }
      }
    } finally {
      socket.setSoTimeout(0);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException expected) {
      // already closed
    }
  }
}
