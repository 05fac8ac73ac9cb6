package io.nxs.core.http;

import io.nxs.core.NxsException;
import io.nxs.core.auth.ApiKey;
import io.nxs.core.auth.Scope;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The direct path: a Jetty handler ahead of Javalin's servlet that serves the {@link DirectRoutes}
 * itself and passes every other request on.
 *
 * <p>Design note: the profile of a proxied chat completion showed Javalin's servlet layer (servlet
 * request and response wrappers, the Javalin context, path matching, the before/after handler
 * lists, the session handler) as the largest cost after the upstream exchange. A direct route is
 * one map lookup here; the gate, the security headers, the request timer and the error bodies are
 * {@link HttpServer}'s own, called the same way, so a client cannot tell which path served it. A
 * whole answer is handed to Jetty without blocking (the request's callback completes when it is
 * written); a stream blocks the request's virtual thread, as on the servlet path.
 */
final class DirectPath extends Handler.Wrapper implements DirectRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(DirectPath.class);

  /** Bytes a stream gathers before it sends without a flush. */
  private static final int STREAM_BUFFER = 8192;

  /** The gate every direct route passes: returns the key or throws the refusal. */
  @FunctionalInterface
  interface Gate {
    ApiKey admit(String path, String address, String authorization, Scope needed);
  }

  /** Where each request's duration goes. */
  @FunctionalInterface
  interface Timing {
    void record(String method, String route, int status, long nanos);
  }

  private record Route(String path, String method, Scope scope, DirectRoutes.Handler handler) {}

  private final Map<String, Route> routes = new HashMap<>();
  private final Gate gate;
  private final Timing timing;

  /** The security headers, encoded once: a response adds them without a search or an encoding. */
  private final List<HttpField> securityHeaders;

  private final int maxBody;

  DirectPath(Gate gate, Timing timing, Map<String, String> securityHeaders, int maxBody) {
    this.gate = gate;
    this.timing = timing;
    this.securityHeaders =
        securityHeaders.entrySet().stream()
            .<HttpField>map(h -> new PreEncodedHttpField(h.getKey(), h.getValue()))
            .toList();
    this.maxBody = maxBody;
  }

  @Override
  public void post(String path, Scope scope, DirectRoutes.Handler handler) {
    add(new Route(path, HttpMethod.POST.asString(), scope, handler));
  }

  @Override
  public void get(String path, Scope scope, DirectRoutes.Handler handler) {
    add(new Route(path, HttpMethod.GET.asString(), scope, handler));
  }

  private void add(Route route) {
    if (!route.path().startsWith("/") || route.path().endsWith("/")) {
      throw new IllegalArgumentException("a direct path starts and does not end with '/'");
    }
    if (routes.putIfAbsent(route.path(), route) != null) {
      throw new IllegalArgumentException("two direct routes for " + route.path());
    }
  }

  boolean isEmpty() {
    return routes.isEmpty();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    if (path == null) {
      return super.handle(request, response, callback); // CONNECT, OPTIONS *
    }
    Route route = routes.get(path);
    if (route == null && path.length() > 1 && path.endsWith("/")) {
      route = routes.get(path.substring(0, path.length() - 1));
    }
    if (route == null || !route.method().equals(request.getMethod())) {
      return super.handle(request, response, callback); // the routing layer's 404 or its route
    }
    serve(route, request, response, callback);
    return true;
  }

  private void serve(Route route, Request request, Response response, Callback callback) {
    long started = System.nanoTime();
    HttpFields.Mutable headers = response.getHeaders();
    securityHeaders.forEach(headers::add); // a fresh response: none of them is there yet
    Exchange exchange = new Exchange(request, response, callback);
    try {
      exchange.key =
          gate.admit(
              route.path(),
              Request.getRemoteAddr(request),
              request.getHeaders().get(HttpHeader.AUTHORIZATION),
              route.scope());
      route.handler().handle(exchange);
    } catch (Exception e) {
      exchange.fail(e);
    }
    if (!exchange.answered()) {
      exchange.fail(
          new IllegalStateException("the handler of " + route.path() + " did not answer"));
    }
    timing.record(route.method(), route.path(), response.getStatus(), System.nanoTime() - started);
    exchange.finish();
  }

  /** One request and its answer; answers once, then completes the request's callback. */
  private final class Exchange implements DirectExchange {

    private final Request request;
    private final Response response;
    private final Callback callback;
    private ApiKey key;
    private ByteBuffer whole;
    private OutputStream stream;
    private Throwable broken;

    Exchange(Request request, Response response, Callback callback) {
      this.request = request;
      this.response = response;
      this.callback = callback;
    }

    @Override
    public String path() {
      return request.getHttpURI().getPath();
    }

    @Override
    public String header(String name) {
      return request.getHeaders().get(name);
    }

    @Override
    public byte[] body() throws IOException {
      long declared = request.getLength();
      if (declared > maxBody) {
        throw tooLarge();
      }
      try {
        return Content.Source.asByteArrayAsync(request, maxBody).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while reading the request body", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof IllegalStateException) {
          throw tooLarge(); // the only state error of a bounded read: the limit was passed
        }
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      }
    }

    private ApiException tooLarge() {
      return new ApiException(
          413,
          "invalid_request_error",
          "request_too_large",
          "the request body is larger than " + (maxBody >> 20) + " MiB");
    }

    @Override
    public ApiKey key() {
      return key;
    }

    @Override
    public DirectExchange header(String name, String value) {
      response.getHeaders().put(name, value);
      return this;
    }

    @Override
    public void respond(int status, String contentType, byte[] body) {
      answerOnce();
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      whole = ByteBuffer.wrap(body);
    }

    @Override
    public OutputStream stream(int status, String contentType) {
      answerOnce();
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
      // Jetty's sink stream sends each write at once; the buffer gathers a handler's writes until
      // it flushes, as the servlet layer's output buffer did (an SSE event is four writes).
      stream = new BufferedOutputStream(Content.Sink.asOutputStream(response), STREAM_BUFFER);
      return stream;
    }

    private void answerOnce() {
      if (answered()) {
        throw new IllegalStateException("a direct exchange answers once");
      }
    }

    boolean answered() {
      return whole != null || stream != null || broken != null;
    }

    /** Turns a failure into the routing layer's error answer, or breaks a started stream. */
    void fail(Exception e) {
      if (stream != null || response.isCommitted()) {
        LOG.warn("{} {} failed after its answer started", request.getMethod(), path(), e);
        broken = e;
        return;
      }
      whole = null;
      int status;
      String body;
      switch (e) {
        case ApiException api -> {
          api.headers().forEach(response.getHeaders()::put);
          status = api.status();
          body = ApiError.body(api.type(), api.code(), api.getMessage());
        }
        case NxsException nxs -> {
          status = 400;
          body = ApiError.body("invalid_request_error", "bad_request", nxs.getMessage());
        }
        default -> {
          LOG.error("{} {} failed", request.getMethod(), path(), e);
          status = 500;
          body = ApiError.body("server_error", "internal_error", "internal error: see the NXS log");
        }
      }
      respond(status, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends the answer (or ends the stream) and completes the request. */
    void finish() {
      if (broken != null) {
        callback.failed(broken);
      } else if (stream != null) {
        try {
          stream.close();
          callback.succeeded();
        } catch (IOException e) {
          callback.failed(e);
        }
      } else {
        response.write(true, whole, callback);
      }
    }
  }
}
