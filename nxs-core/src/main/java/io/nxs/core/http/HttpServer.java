package io.nxs.core.http;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.auth.ApiKey;
import io.nxs.core.auth.ApiKeyStore;
import io.nxs.core.auth.AuthFailureLimiter;
import io.nxs.core.auth.Scope;
import io.nxs.core.ext.ReadinessCheck;
import io.nxs.core.ext.ReadinessCheck.Readiness;
import io.nxs.core.ext.Registry;
import io.nxs.core.metrics.Metrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's one HTTP server (Javalin on Jetty, virtual threads).
 *
 * <p>Design note: every request passes one gate. Public probes ({@code /healthz}, {@code /readyz},
 * {@code /metrics}) pass freely; {@code /v1/*} and {@code /api/*} need a bearer key with the scope
 * the route is tagged with. A client address that presents more than the allowed number of bad keys
 * is locked out with 429 and {@code Retry-After}; each failure and each lockout is audited. A
 * missing header is a plain 401 and does not count, so an un-logged-in dashboard never locks its
 * user out. A key that passed may still be refused by the {@link AccessPolicy} (lockdown, SEC5).
 * Every response carries security headers; errors are JSON in the OpenAI shape, never a stack
 * trace.
 *
 * <p>Shutdown drains with Jetty's own graceful stop: readiness turns false, the connectors stop
 * accepting, and a {@link GracefulHandler} lets in-flight requests finish (responses fully written)
 * for up to the grace period before Jetty stops.
 */
public final class HttpServer {

  /** Context attribute holding the authenticated {@link ApiKey}. */
  public static final String KEY_ATTRIBUTE = "nxs.apiKey";

  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  /** Pending connections the kernel may queue for us (Linux caps it at net.core.somaxconn). */
  private static final int ACCEPT_QUEUE = 1024;

  private static final String STARTED_AT = "nxs.startedAt";

  /** The API server's socket behind the front, in a directory of its own. */
  private static final String SOCKET = "api.sock";

  /** The largest request body accepted. */
  private static final int MAX_REQUEST_BYTES = 32 * 1024 * 1024;

  /** Headers on every response. */
  private static final Map<String, String> SECURITY_HEADERS =
      Map.of(
          "X-Content-Type-Options", "nosniff",
          "X-Frame-Options", "DENY",
          "Referrer-Policy", "no-referrer",
          "Content-Security-Policy",
              "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
          "Cache-Control", "no-store");

  private final ServerConfig config;
  private final ApiKeyStore keys;
  private final AuthFailureLimiter limiter;
  private final AuditTrail audit;
  private final PrometheusMeterRegistry metrics;
  private final Registry<ReadinessCheck> readiness;
  private final List<HttpRoutes> routes;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final GracefulHandler graceful = new GracefulHandler();
  private final DirectPath direct;
  private final AccessPolicy policy;
  private final HttpDate date;

  /**
   * The request timers, made once per method, route and status: building a meter's id and looking
   * it up in the registry on every request showed in the profile (up to 1.5 % of a proxied
   * request's samples, bench/results/2026-12-07-gateway-profile.md).
   */
  private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

  private MemoryPressure pressure = MemoryPressure.NEVER;
  private boolean frontAllowed = true;
  private NettyFront front;
  private Path socketDir;
  private TlsEndpoint tls;
  private Javalin app;
  private int boundPort;

  public HttpServer(
      ServerConfig config,
      ApiKeyStore keys,
      AuthFailureLimiter limiter,
      AuditTrail audit,
      PrometheusMeterRegistry metrics,
      Registry<ReadinessCheck> readiness,
      List<HttpRoutes> routes) {
    this(config, keys, limiter, audit, metrics, readiness, routes, AccessPolicy.OPEN);
  }

  /**
   * A server whose gate also applies {@code policy} to every authenticated request (the daemon
   * passes core's lockdown).
   */
  public HttpServer(
      ServerConfig config,
      ApiKeyStore keys,
      AuthFailureLimiter limiter,
      AuditTrail audit,
      PrometheusMeterRegistry metrics,
      Registry<ReadinessCheck> readiness,
      List<HttpRoutes> routes,
      AccessPolicy policy) {
    this.policy = policy;
    this.config = config;
    this.keys = keys;
    this.limiter = limiter;
    this.audit = audit;
    this.metrics = metrics;
    this.readiness = readiness;
    this.routes = List.copyOf(routes);
    // The gate's clock is the server's: one injected clock for the lockout and the Date header.
    this.date = new HttpDate(limiter.clock());
    this.direct =
        new DirectPath(
            this::admitUnlessShedding,
            this::admitFromMemory,
            this::record,
            SECURITY_HEADERS,
            MAX_REQUEST_BYTES);
    for (HttpRoutes r : this.routes) {
      r.addDirect(direct);
    }
  }

  /**
   * A request's JSON body; an empty body is an empty object.
   *
   * @throws ApiException 400 when the body is not JSON
   */
  public static com.fasterxml.jackson.databind.JsonNode jsonBody(Context ctx) {
    String text = ctx.body();
    if (text.isBlank()) {
      return Json.mapper().createObjectNode();
    }
    try {
      return Json.mapper().readTree(text);
    } catch (java.io.IOException e) {
      throw ApiException.badRequest("the body is not JSON");
    }
  }

  /** The authenticated key of a request that passed the gate. */
  public static Optional<ApiKey> key(Context ctx) {
    return Optional.ofNullable(ctx.attribute(KEY_ATTRIBUTE));
  }

  /**
   * Sheds load under {@code pressure}: while it is high, {@code /v1/*} and the routes tagged {@link
   * MemoryPressure.Load#HEAVY} are refused with 503. Call before {@link #start}.
   */
  public HttpServer shedUnder(MemoryPressure pressure) {
    this.pressure = pressure;
    return this;
  }

  /**
   * Does ahead, on the caller's thread, the part of a start that needs no configuration: Jetty's
   * MIME tables, whose static set-up asks the JDK for every available locale (~90 ms of CPU, the
   * largest single step of {@link #start}). Optional and safe to run alongside a start.
   */
  public static void prepare() {
    MimeTypes.getBaseType("text/plain");
  }

  /**
   * Starts listening.
   *
   * @throws NxsException when the address is taken or cannot be bound, or the TLS key is unusable
   */
  public HttpServer start() {
    tls = config.tls() == null ? null : TlsEndpoint.load(config);
    // The Netty front owns the port where it can run (ADR 0022), with TLS too; without native
    // epoll Jetty owns it as before.
    boolean fronted = frontAllowed && NettyFront.available();
    try {
      socketDir = fronted ? Files.createTempDirectory("nxs-http-") : null; // mode 0700
    } catch (IOException e) {
      throw new NxsException("cannot make the API server's socket directory: " + e.getMessage(), e);
    }
    app = Javalin.create(this::configure);
    try {
      app.start();
      if (fronted) {
        Path socket = socketDir.resolve(SOCKET);
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        front =
            new NettyFront(
                direct,
                config.host(),
                config.port(),
                ACCEPT_QUEUE,
                socket,
                tls == null ? null : tls.frontContext(),
                tls == null ? null : tls.httpsOnly(),
                date);
        boundPort = front.start();
      } else {
        boundPort = app.port();
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (fronted) {
        app.stop();
        deleteSocketDir();
      }
      throw new NxsException(
          "cannot listen on "
              + config.host()
              + ":"
              + config.port()
              + " ("
              + rootMessage(e)
              + "): is another NXS running? Stop it or set server.port in nxs.yaml",
          e);
    }
    return this;
  }

  /** Lets Jetty own the port even where the Netty front could run (the fallback, for tests). */
  HttpServer withoutFront() {
    frontAllowed = false;
    return this;
  }

  /** Whether the Netty front owns the port. */
  boolean fronted() {
    return front != null;
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return boundPort;
  }

  /** Whether the server is draining for shutdown. */
  public boolean draining() {
    return draining.get();
  }

  private void configure(JavalinConfig cfg) {
    cfg.startup.showJavalinBanner = false;
    cfg.startup.showOldJavalinVersionWarning = false;
    cfg.concurrency.useVirtualThreads = true;
    // Our own connector, so a burst of new connections (an agent fanning out, a load test) waits
    // in the kernel's accept queue instead of being refused at Jetty's default backlog of 50.
    cfg.jetty.addConnector(
        (server, http) -> {
          if (socketDir != null) {
            // Behind the front: a socket only this user can reach, and the client's address from
            // the PROXY protocol header the front sends first (never from a request header).
            UnixDomainServerConnector behind =
                new UnixDomainServerConnector(
                    server,
                    new ProxyConnectionFactory(HttpVersion.HTTP_1_1.asString()),
                    new HttpConnectionFactory(http));
            behind.setUnixDomainPath(socketDir.resolve(SOCKET));
            behind.setAcceptQueueSize(ACCEPT_QUEUE);
            return behind;
          }
          if (tls != null) {
            return tls.connector(server, http, ACCEPT_QUEUE);
          }
          ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
          connector.setHost(config.host());
          connector.setPort(config.port());
          connector.setAcceptQueueSize(ACCEPT_QUEUE);
          return connector;
        });
    cfg.http.maxRequestSize = MAX_REQUEST_BYTES;
    cfg.jsonMapper(new JavalinJackson(Json.mapper(), false));
    // Javalin attaches its servlet handler inside the innermost wrapper it finds on the server, so
    // requests pass the graceful handler, which counts them until their responses are complete,
    // and then the direct path, which serves its routes and hands every other request on.
    cfg.jetty.modifyServer(
        server -> {
          if (!direct.isEmpty()) {
            graceful.setHandler(new JettyDirect(direct));
          }
          // Behind the front, the front refuses plain HTTP on a TLS port; on its own, Jetty does.
          server.setHandler(
              tls == null || socketDir != null ? graceful : tls.refusePlainHttp(graceful));
          server.setStopTimeout(config.shutdownGrace().toMillis());
        });

    cfg.routes.before(this::enter);
    cfg.routes.beforeMatched(this::authenticate);
    cfg.routes.beforeMatched(this::shed);
    cfg.routes.after(this::leave);

    cfg.routes.get("/healthz", ctx -> ctx.json(Map.of("status", "alive")));
    cfg.routes.get("/readyz", this::ready);
    cfg.routes.get(
        "/metrics",
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    for (HttpRoutes r : routes) {
      r.addTo(cfg.routes);
    }

    cfg.routes.exception(
        ApiException.class,
        (e, ctx) -> {
          e.headers().forEach(ctx::header);
          ApiError.respond(ctx, e.status(), e.type(), e.code(), e.getMessage());
        });
    cfg.routes.exception(
        NxsException.class,
        (e, ctx) ->
            ApiError.respond(ctx, 400, "invalid_request_error", "bad_request", e.getMessage()));
    cfg.routes.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
          ApiError.respond(
              ctx, 500, "server_error", "internal_error", "internal error: see the NXS log");
        });
    cfg.routes.error(
        404,
        ctx -> {
          String type = ctx.res().getContentType();
          if (type == null || !type.startsWith("application/json")) {
            ApiError.respond(
                ctx, 404, "invalid_request_error", "not_found", "no route for " + ctx.path());
          }
        });
    cfg.routes.error(
        405,
        ctx ->
            ApiError.respond(
                ctx,
                405,
                "invalid_request_error",
                "method_not_allowed",
                ctx.method() + " is not allowed on " + ctx.path()));
  }

  private void enter(Context ctx) {
    ctx.attribute(STARTED_AT, System.nanoTime());
    SECURITY_HEADERS.forEach(ctx::header);
  }

  private void leave(Context ctx) {
    Long started = ctx.attribute(STARTED_AT);
    if (started != null) {
      record(ctx.method().name(), route(ctx), ctx.statusCode(), System.nanoTime() - started);
    }
  }

  private void record(String method, String route, int status, long nanos) {
    timers
        .computeIfAbsent(
            new TimerKey(method, route, status),
            k ->
                Timer.builder(Metrics.HTTP_REQUESTS)
                    .description("HTTP requests served by NXS")
                    .tag("method", k.method())
                    .tag("route", k.route())
                    .tag("status", Integer.toString(k.status()))
                    .register(metrics))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Which timer a request's duration goes to. */
  private record TimerKey(String method, String route, int status) {}

  private static String route(Context ctx) {
    // In an after-handler ctx.endpoint() is the after-handler itself ("*"); the route that
    // served the request is the matched HTTP endpoint (null when none matched).
    Endpoint served = ctx.endpoints().matchedHttpEndpoint();
    return served == null ? "unmatched" : served.path;
  }

  private void authenticate(Context ctx) {
    String path = ctx.path();
    if (!(path.startsWith("/v1/") || path.startsWith("/api/"))) {
      return;
    }
    Scope needed = ctx.routeRoles().contains(Scope.ADMIN) ? Scope.ADMIN : Scope.READ;
    ctx.attribute(KEY_ATTRIBUTE, admit(path, ctx.ip(), ctx.header("Authorization"), needed));
  }

  /** The memory-pressure gate of the routing layer: one volatile read, then the route's tags. */
  private void shed(Context ctx) {
    if (pressure.high()
        && (ctx.path().startsWith("/v1/")
            || ctx.routeRoles().contains(MemoryPressure.Load.HEAVY))) {
      throw pressure.refusal();
    }
  }

  /** The gate of a direct route ({@code /v1/*}): the key, then the memory-pressure gate. */
  private ApiKey admitUnlessShedding(String path, String address, String header, Scope needed) {
    ApiKey key = admit(path, address, header, needed);
    if (pressure.high()) {
      throw pressure.refusal();
    }
    return key;
  }

  /**
   * The gate of a direct route as far as memory can decide it, for an event loop: the key when
   * {@link #admitUnlessShedding} would let the request through without reading the database or
   * writing the audit log; null for anything else (an unknown key, any refusal), which that gate
   * then decides, and audits, on a virtual thread.
   */
  private ApiKey admitFromMemory(String path, String address, String header, Scope needed) {
    if (header == null
        || pressure.high()
        || !header.regionMatches(true, 0, "Bearer ", 0, 7)
        || !limiter.lockedFor(address).isZero()) {
      return null;
    }
    ApiKey key = keys.authenticateFromMemory(header.substring(7).trim()).orElse(null);
    return key != null
            && key.scope().allows(needed)
            && policy.letsThroughFromMemory(key, needed, path)
        ? key
        : null;
  }

  /**
   * The gate of an API request: the key behind the bearer header when it is valid and allows {@code
   * needed}, or the refusal (audited, counted towards the address's lockout).
   */
  private ApiKey admit(String path, String address, String header, Scope needed) {
    Duration locked = limiter.lockedFor(address);
    if (!locked.isZero()) {
      throw lockedOut(locked);
    }
    if (header == null || header.isBlank()) {
      throw new ApiException(
          401,
          "invalid_request_error",
          "missing_api_key",
          "missing API key: send 'Authorization: Bearer <key>' (see keys/admin.key in the NXS home)",
          Map.of("WWW-Authenticate", "Bearer realm=\"nxs\""));
    }
    String token = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
    Optional<ApiKey> key = keys.authenticate(token);
    if (key.isEmpty()) {
      boolean nowLocked = limiter.recordFailure(address);
      audit.append(
          new AuditEvent(
              "security.auth_failure",
              Severity.MEDIUM,
              "anonymous",
              address,
              Map.of("path", path, "reason", "unknown, expired or revoked key")));
      if (nowLocked) {
        audit.append(
            new AuditEvent(
                "security.lockout",
                Severity.HIGH,
                "nxs",
                address,
                Map.of("window", "15m", "reason", "too many failed authentications")));
        LOG.warn("locked out {} after repeated failed authentications", address);
      }
      throw new ApiException(
          401,
          "invalid_request_error",
          "invalid_api_key",
          "invalid API key: it is unknown, expired or revoked",
          Map.of("WWW-Authenticate", "Bearer realm=\"nxs\", error=\"invalid_token\""));
    }
    if (!key.get().scope().allows(needed)) {
      throw new ApiException(
          403,
          "permission_error",
          "insufficient_scope",
          "this needs an admin key; key "
              + key.get().id()
              + " has scope "
              + key.get().scope().label());
    }
    Optional<ApiException> refused = policy.refuse(key.get(), needed, path);
    if (refused.isPresent()) {
      throw refused.get();
    }
    return key.get();
  }

  private static ApiException lockedOut(Duration locked) {
    long seconds = Math.max(1, (locked.toMillis() + 999) / 1000);
    return new ApiException(
        429,
        "rate_limit_error",
        "auth_locked_out",
        "too many failed authentications from this address: retry in " + seconds + "s",
        Map.of("Retry-After", Long.toString(seconds)));
  }

  private void ready(Context ctx) {
    Map<String, Object> modules = new LinkedHashMap<>();
    boolean all = !draining.get();
    for (ReadinessCheck check : readiness.all()) {
      Readiness r;
      try {
        r = check.check();
      } catch (RuntimeException e) {
        LOG.warn("readiness check {} failed", check.name(), e);
        r = new Readiness(false, "check failed: " + e.getMessage());
      }
      all &= r.ready();
      modules.put(check.name(), Map.of("ready", r.ready(), "detail", r.detail()));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ready", all);
    if (draining.get()) {
      body.put("detail", "shutting down");
    }
    body.put("modules", modules);
    ctx.status(all ? 200 : 503).json(body);
  }

  /**
   * Drains and stops: no new connections, in-flight requests finish within the grace period.
   *
   * @return the number of requests still in flight when the grace period ended (0 when all
   *     finished)
   */
  public int stop() {
    if (app == null || !draining.compareAndSet(false, true)) {
      return 0;
    }
    long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
    if (front != null) {
      front.stopAccepting();
    }
    try {
      app.stop();
    } catch (RuntimeException e) {
      // Jetty finishes stopping every component and then reports that the grace period ran out;
      // that is the outcome this method returns, not a failure of the stop itself.
      if (!causedByTimeout(e)) {
        throw e;
      }
      LOG.warn(
          "grace period of {} ended with {} request(s) still in flight",
          config.shutdownGrace(),
          graceful.getCurrentRequestCount());
    }
    int left = (int) graceful.getCurrentRequestCount();
    if (front != null) {
      left = Math.max(left, front.close(deadline));
      deleteSocketDir();
    }
    return left;
  }

  private void deleteSocketDir() {
    try {
      Files.deleteIfExists(socketDir.resolve(SOCKET));
      Files.deleteIfExists(socketDir);
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}", socketDir, e.getMessage());
    }
  }

  private static boolean causedByTimeout(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof TimeoutException) {
        return true;
      }
      for (Throwable s : c.getSuppressed()) {
        if (causedByTimeout(s)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }
}
