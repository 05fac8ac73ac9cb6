package io.nxs.core.http;

import io.nxs.core.NxsException;
import io.nxs.core.auth.ApiKey;
import io.nxs.core.auth.Scope;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The direct path's routes and what every server that serves them shares: the route table, the
 * gate, the security headers, the request timer and the error bodies. Two servers serve it: {@link
 * NettyFront} on the daemon's port (ADR 0022), and {@link JettyDirect} ahead of Javalin's servlet
 * (the fallback where the front cannot run, and any request the front hands on).
 *
 * <p>Design note: the profile of a proxied chat completion showed Javalin's servlet layer (servlet
 * request and response wrappers, the Javalin context, path matching, the before/after handler
 * lists, the session handler) as the largest cost after the upstream exchange. A direct route is
 * one map lookup here; the gate, the security headers, the request timer and the error bodies are
 * {@link HttpServer}'s own, called the same way, so a client cannot tell which path served it.
 */
final class DirectPath implements DirectRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(DirectPath.class);

  /** Bytes a stream gathers before it sends without a flush. */
  static final int STREAM_BUFFER = 8192;

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

  /**
   * @param onLoop what serves the route on a server's event loop first, or null: {@code handler} on
   *     a virtual thread only
   */
  record Route(
      String path,
      String method,
      Scope scope,
      DirectRoutes.Handler handler,
      DirectRoutes.LoopHandler onLoop) {}

  private final Map<String, Route> routes = new HashMap<>();
  private final Gate gate;
  private final Gate fromMemory;
  private final Timing timing;
  private final Map<String, String> securityHeaders;
  private final int maxBody;

  /**
   * @param fromMemory the gate as far as it can decide without waiting (no SQLite, no audit write):
   *     the key when the request is let through, null when the full {@code gate} must decide (an
   *     unknown key, any refusal)
   */
  DirectPath(
      Gate gate, Gate fromMemory, Timing timing, Map<String, String> securityHeaders, int maxBody) {
    this.gate = gate;
    this.fromMemory = fromMemory;
    this.timing = timing;
    this.securityHeaders = Map.copyOf(securityHeaders);
    this.maxBody = maxBody;
  }

  @Override
  public void post(String path, Scope scope, DirectRoutes.Handler handler) {
    add(new Route(path, "POST", scope, handler, null));
  }

  @Override
  public void post(
      String path, Scope scope, DirectRoutes.Handler handler, DirectRoutes.LoopHandler onLoop) {
    add(new Route(path, "POST", scope, handler, onLoop));
  }

  @Override
  public void get(String path, Scope scope, DirectRoutes.Handler handler) {
    add(new Route(path, "GET", scope, handler, null));
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

  /** The headers every response carries. */
  Map<String, String> securityHeaders() {
    return securityHeaders;
  }

  /** The largest request body a direct route reads. */
  int maxBody() {
    return maxBody;
  }

  /**
   * The route that serves {@code method path} (a trailing slash ignored), or null: the request goes
   * on to the routing layer.
   */
  Route match(String path, String method) {
    Route route = routes.get(path);
    if (route == null && path.length() > 1 && path.endsWith("/")) {
      route = routes.get(path.substring(0, path.length() - 1));
    }
    return route == null || !route.method().equals(method) ? null : route;
  }

  /**
   * Serves one request on the calling thread: the gate, the handler, the error answer of a failure,
   * the timer; then sends the answer. The security headers are the server's to add.
   */
  void serve(Route route, Exchange exchange, String address, String authorization) {
    exchange.begin(this, route);
    try {
      exchange.key = gate.admit(route.path(), address, authorization, route.scope());
      route.handler().handle(exchange);
    } catch (Exception e) {
      exchange.fail(e);
    }
    complete(exchange);
  }

  /**
   * The key of a request to a route with a {@link Route#onLoop loop handler} when the gate lets it
   * through without waiting; null when it must be served on a virtual thread ({@link #serve}), as
   * every request to a route without one is.
   */
  ApiKey admitOnLoop(Route route, String address, String authorization) {
    return route.onLoop() == null
        ? null
        : fromMemory.admit(route.path(), address, authorization, route.scope());
  }

  /**
   * Serves one request on the event loop that calls it, with the key {@link #admitOnLoop} gave: the
   * route's loop handler answers now, later from the loop, or {@link LoopExchange#resume hands it
   * on} to a virtual thread; whichever answers, the timer and the answer are as {@link #serve}'s.
   */
  void serveOnLoop(Route route, Exchange exchange, ApiKey key) {
    exchange.begin(this, route);
    exchange.key = key;
    exchange.loop = Exchange.IN_HANDLER;
    try {
      route.onLoop().handle(exchange);
    } catch (Exception e) {
      if (exchange.loop == Exchange.RESUMED) {
        LOG.error("{} failed after it went on to a virtual thread", route.path(), e);
        return;
      }
      exchange.fail(e);
    }
    if (exchange.loop == Exchange.RESUMED) {
      return; // the virtual thread completes it
    }
    if (exchange.answered()) {
      complete(exchange);
    } else {
      exchange.loop = Exchange.AWAITED; // its answer comes later, from the loop
    }
  }

  /** The end of every request: the answer (or the handler's failure to give one), timer, send. */
  private void complete(Exchange exchange) {
    Route route = exchange.route;
    if (!exchange.answered()) {
      exchange.fail(
          new IllegalStateException("the handler of " + route.path() + " did not answer"));
    }
    timing.record(
        route.method(), route.path(), exchange.status(), System.nanoTime() - exchange.started);
    exchange.finish();
    exchange.release();
  }

  /** The 413 of a body over the limit, the routing layer's body. */
  static ApiException tooLarge(int maxBody) {
    return new ApiException(
        413,
        "invalid_request_error",
        "request_too_large",
        "the request body is larger than " + (maxBody >> 20) + " MiB");
  }

  /**
   * One request and its answer, whatever the server: answers once (whole, or as a stream), turns a
   * failure into the routing layer's error answer, then {@link #finish}es.
   */
  abstract static class Exchange implements LoopExchange {

    /** Served on a thread that may block (not on a loop). */
    static final int BLOCKING = 0;

    /** Its loop handler is running. */
    static final int IN_HANDLER = 1;

    /** Its loop handler returned; the answer will come from the loop. */
    static final int AWAITED = 2;

    /** Handed on to a virtual thread. */
    static final int RESUMED = 3;

    private ApiKey key;
    private DirectPath owner;
    private Route route;
    private long started;

    /** Where a loop-served exchange stands: one of the constants above; touched on its loop. */
    private int loop = BLOCKING;

    private boolean answered;
    private boolean streaming;
    private Throwable broken;

    private void begin(DirectPath owner, Route route) {
      this.owner = owner;
      this.route = route;
      this.started = System.nanoTime();
    }

    /** Runs a task on a new virtual thread. */
    abstract void startVirtual(Runnable task);

    /** Frees what the exchange holds (the request body); once it is answered. */
    void release() {}

    @Override
    public final void resume(DirectRoutes.Handler handler) {
      if (loop != IN_HANDLER && loop != AWAITED) {
        throw new IllegalStateException("only a loop handler's exchange goes on, once");
      }
      if (answered()) {
        throw new IllegalStateException("an answered exchange does not go on");
      }
      loop = RESUMED;
      startVirtual(
          () -> {
            try {
              handler.handle(this);
            } catch (Exception e) {
              fail(e);
            }
            owner.complete(this);
          });
    }

    /** The request method, for the log. */
    abstract String method();

    /** The status the answer has (or will have). */
    abstract int status();

    /** Sets the status, the content type and the whole body of the answer. */
    abstract void whole(int status, String contentType, byte[] body);

    /** Starts the streamed answer and returns where its bytes go. */
    abstract OutputStream open(int status, String contentType) throws java.io.IOException;

    /** Whether bytes of the answer may have left already. */
    abstract boolean committed();

    /** Sends the whole answer, ends the stream, or (broken) aborts the answer. */
    abstract void finish();

    /** The failure that broke a started answer, or null. */
    final Throwable broken() {
      return broken;
    }

    final boolean streaming() {
      return streaming;
    }

    @Override
    public final ApiKey key() {
      return key;
    }

    @Override
    public final void respond(int status, String contentType, byte[] body) {
      answerOnce();
      answered = true;
      whole(status, contentType, body);
      if (loop == AWAITED) {
        loop = IN_HANDLER; // answered: only this call completes it
        owner.complete(this);
      }
    }

    @Override
    public final OutputStream stream(int status, String contentType) throws java.io.IOException {
      if (loop == IN_HANDLER || loop == AWAITED) {
        throw new IllegalStateException(
            "a stream blocks: a loop handler resumes before it streams");
      }
      answerOnce();
      answered = true;
      streaming = true;
      return open(status, contentType);
    }

    private void answerOnce() {
      if (answered()) {
        throw new IllegalStateException("a direct exchange answers once");
      }
    }

    final boolean answered() {
      return answered || broken != null;
    }

    /** Turns a failure into the routing layer's error answer, or breaks a started stream. */
    final void fail(Exception e) {
      if (streaming || committed()) {
        LOG.warn("{} {} failed after its answer started", method(), path(), e);
        broken = e;
        return;
      }
      answered = false;
      int status;
      String body;
      switch (e) {
        case ApiException api -> {
          api.headers().forEach(this::header);
          status = api.status();
          body = ApiError.body(api.type(), api.code(), api.getMessage());
        }
        case NxsException nxs -> {
          status = 400;
          body = ApiError.body("invalid_request_error", "bad_request", nxs.getMessage());
        }
        default -> {
          LOG.error("{} {} failed", method(), path(), e);
          status = 500;
          body = ApiError.body("server_error", "internal_error", "internal error: see the NXS log");
        }
      }
      respond(status, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }
  }
}
