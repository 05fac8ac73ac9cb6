package io.nxs.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import io.nxs.gateway.Attempt;
import io.nxs.gateway.FailoverConfig;
import io.nxs.gateway.Outcome;
import io.nxs.gateway.ProviderConfig;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured provider at run time: its HTTP client, breaker, credentials, retry budget and
 * recent figures, and the code that makes one attempt on it and classifies the result (GW5).
 *
 * <p>Design note: an attempt reads the upstream only up to the point of no return (the whole body,
 * or a stream's first content chunk); until then nothing has reached the client, so every failure
 * is an invisible failover (GW6). Deadlines are real elapsed time ({@code nanoTime}); the injected
 * clock drives only the breaker, the retry budget and timestamps.
 */
final class ProviderRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(ProviderRuntime.class);
  private static final Pattern SECONDS = Pattern.compile("[0-9]+");
  private static final int ERROR_BODY_LIMIT = 64 * 1024;
  private static final int BODY_LIMIT = 64 * 1024 * 1024;

  private final ProviderConfig config;

  /**
   * Connections kept per provider; beyond this, requests wait for one (bounded by their deadline).
   */
  private static final int MAX_CONNECTIONS = 4096;

  private static final ContentType JSON = ContentType.create("application/json");

  private final UpstreamClient client;

  /** {@link ProviderConfig#autoDetect()}, asked on every attempt: worked out once. */
  private final boolean autoDetect;

  private final Breaker breaker;
  private final Credentials credentials;
  private final RetryBudget budget;
  private final ProviderStats stats = new ProviderStats();
  private final Map<String, URI> endpoints = new ConcurrentHashMap<>();
  private final Clock clock;
  private volatile String detectedModel;
  private volatile ProbeResult lastProbe;
  private volatile java.util.function.Function<String, java.util.Optional<String>> hold =
      name -> java.util.Optional.empty();

  ProviderRuntime(
      ProviderConfig config, FailoverConfig failover, Credentials credentials, Clock clock) {
    this.config = config;
    this.autoDetect = config.autoDetect();
    this.clock = clock;
    this.credentials = credentials;
    this.client = httpClient(config);
    this.breaker = Breaker.forProvider(config.name(), config.circuitBreaker(), clock);
    this.budget = new RetryBudget(failover.retryBudget(), failover.minRetriesPerSecond(), clock);
  }

  /**
   * The provider's client: {@link #plainClient} for {@code http}, {@link #tlsClient} for {@code
   * https}.
   */
  private static UpstreamClient httpClient(ProviderConfig config) {
    return URI.create(config.baseUrl()).getScheme().equals("https")
        ? tlsClient(config)
        : UpstreamClient.classic(plainClient(config));
  }

  /**
   * A pooled HTTP/1.1 keep-alive client whose calls run on the caller's thread (ADR 0033). It does
   * nothing on its own: no retries, redirects, cookies or decompression (a stream must pass through
   * as it comes). Deadlines are {@link UpstreamExchange}'s alone: no socket timeout, since on a
   * virtual thread every read with a timeout arms a JDK timer of its own (measured: at 512
   * concurrent requests nearly every proxied request sat in such a timed read).
   */
  private static CloseableHttpClient plainClient(ProviderConfig config) {
    ConnectionConfig connection =
        ConnectionConfig.custom()
            .setConnectTimeout(Timeout.of(config.connectTimeout()))
            .setSocketTimeout(Timeout.DISABLED)
            .setValidateAfterInactivity(TimeValue.ofSeconds(1))
            .build();
    return HttpClients.custom()
        .setConnectionManager(
            PoolingHttpClientConnectionManagerBuilder.create()
                .setConnectionFactory(new UpstreamConnections())
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                .setMaxConnPerRoute(MAX_CONNECTIONS)
                .setMaxConnTotal(MAX_CONNECTIONS)
                .setDefaultConnectionConfig(connection)
                .setDefaultSocketConfig(
                    SocketConfig.custom()
                        .setTcpNoDelay(true)
                        .setSoTimeout(Timeout.DISABLED)
                        .build())
                .build())
        .setDefaultRequestConfig(requestConfig(config))
        .disableAutomaticRetries()
        .disableRedirectHandling()
        .disableCookieManagement()
        .disableAuthCaching()
        .disableContentCompression()
        .disableConnectionState()
        .evictIdleConnections(TimeValue.ofSeconds(30))
        .build();
  }

  /**
   * The client of an {@code https} provider (ADR 0036): Apache HttpClient's asynchronous client,
   * which offers {@code h2} and {@code http/1.1} by ALPN in the TLS handshake and speaks what the
   * provider picks, HTTP/2 streams multiplexed over one connection, HTTP/1.1 pooled as for {@code
   * http}. {@link TlsUpstreamClient} hands its answers to {@link UpstreamExchange} as the classic
   * client does: same deadlines, same cancellation (an HTTP/2 stream is reset, an HTTP/1.1
   * connection closed). The TLS roots are the provider's {@code ca_file} when it has one.
   */
  private static UpstreamClient tlsClient(ProviderConfig config) {
    ConnectionConfig connection =
        ConnectionConfig.custom()
            .setConnectTimeout(Timeout.of(config.connectTimeout()))
            .setSocketTimeout(Timeout.DISABLED)
            .setValidateAfterInactivity(TimeValue.ofSeconds(1))
            .build();
    ClientTlsStrategyBuilder tls = ClientTlsStrategyBuilder.create();
    if (config.caFile() != null) {
      tls.setSslContext(trusting(config.caFile()));
    } else {
      tls.useSystemProperties();
    }
    CloseableHttpAsyncClient async =
        HttpAsyncClients.custom()
            .setConnectionManager(
                PoolingAsyncClientConnectionManagerBuilder.create()
                    .setTlsStrategy(tls.buildAsync())
                    .setDefaultTlsConfig(
                        TlsConfig.custom()
                            .setVersionPolicy(HttpVersionPolicy.NEGOTIATE)
                            .setHandshakeTimeout(Timeout.of(config.connectTimeout()))
                            .build())
                    .setMessageMultiplexing(true)
                    .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                    .setMaxConnPerRoute(MAX_CONNECTIONS)
                    .setMaxConnTotal(MAX_CONNECTIONS)
                    .setDefaultConnectionConfig(connection)
                    .build())
            .setIOReactorConfig(
                IOReactorConfig.custom().setTcpNoDelay(true).setSoTimeout(Timeout.DISABLED).build())
            .setDefaultRequestConfig(requestConfig(config))
            .setThreadFactory(Thread.ofPlatform().daemon().name("nxs-upstream-tls-", 0).factory())
            .disableAutomaticRetries()
            .disableRedirectHandling()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .disableConnectionState()
            .evictIdleConnections(TimeValue.ofSeconds(30))
            .build();
    async.start();
    return new TlsUpstreamClient(async);
  }

  private static RequestConfig requestConfig(ProviderConfig config) {
    return RequestConfig.custom()
        .setConnectionRequestTimeout(Timeout.of(config.timeout()))
        .setResponseTimeout(Timeout.DISABLED)
        .setRedirectsEnabled(false)
        .build();
  }

  /** A TLS context that trusts the certificates of {@code caFile} and nothing else. */
  private static SSLContext trusting(String caFile) {
    try {
      KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
      roots.load(null, null);
      int i = 0;
      for (X509Certificate cert : ProviderConfig.trustedCertificates(caFile)) {
        roots.setCertificateEntry("ca-" + i++, cert);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(roots);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "ca_file '" + caFile + "' cannot be used as TLS roots: " + e.getMessage(), e);
    }
  }

  /**
   * The URI of an endpoint below the base URL, parsed once per endpoint rather than per request
   * (there are three: chat completions, completions, embeddings).
   */
  private URI endpoint(String path) {
    return endpoints.computeIfAbsent(path, p -> URI.create(config.baseUrl() + p));
  }

  /** Closes the provider's pooled connections. */
  void close() {
    client.close(CloseMode.GRACEFUL);
  }

  ProviderConfig config() {
    return config;
  }

  String name() {
    return config.name();
  }

  Breaker breaker() {
    return breaker;
  }

  /** Where {@link #heldElsewhere} asks (the shared breakers of a cluster). */
  void holdWith(java.util.function.Function<String, java.util.Optional<String>> hold) {
    this.hold = hold;
  }

  /**
   * The cluster instance whose open breaker keeps this provider from being chosen here, or empty
   * (always, for a single node).
   */
  java.util.Optional<String> heldElsewhere() {
    return hold.apply(config.name());
  }

  Credentials credentials() {
    return credentials;
  }

  RetryBudget budget() {
    return budget;
  }

  ProviderStats stats() {
    return stats;
  }

  ProbeResult lastProbe() {
    return lastProbe;
  }

  /** The model this provider is called with: configured, or detected from {@code /v1/models}. */
  String model(long deadlineNanos) throws IOException, TimeoutException {
    if (!autoDetect) {
      return config.model();
    }
    String m = detectedModel;
    if (m != null) {
      return m;
    }
    ProbeResult probe = probe(credentials.order().getFirst(), deadlineNanos);
    if (probe.model() == null) {
      throw new NoModel(probe);
    }
    return probe.model();
  }

  /**
   * A light probe (GW8, GW12): {@code GET /v1/models}, which costs no tokens. Remembers the first
   * model for {@code auto-detect}.
   */
  ProbeResult probe(Credentials.Key key, long deadlineNanos) {
    long start = System.nanoTime();
    Instant at = clock.instant();
    HttpGet get = new HttpGet(config.baseUrl() + "/models");
    authorize(get, key);
    UpstreamExchange ex = UpstreamExchange.send(client, get);
    ProbeResult result;
    try {
      long deadline = Math.min(deadlineNanos, start + config.firstTokenTimeout().toNanos());
      int status = ex.awaitHeaders(deadline);
      String body = ex.readRest(deadline, ERROR_BODY_LIMIT);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      if (status == 200) {
        JsonNode first = Json.mapper().readTree(body).path("data").path(0).path("id");
        String model = first.isTextual() ? first.asText() : null;
        if (autoDetect && model != null) {
          detectedModel = model;
        }
        result =
            new ProbeResult(
                at, Outcome.OK, status, took, model, model == null ? "no model listed" : "ok");
      } else {
        Outcome o = classifyStatus(status, body);
        result = new ProbeResult(at, o, status, took, null, firstLine(body));
      }
    } catch (TimeoutException | IOException e) {
      ex.cancel();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      result =
          e instanceof IOException io
              ? new ProbeResult(at, classify(io), 0, took, null, message(io))
              : new ProbeResult(at, Outcome.TIMEOUT, 0, took, null, "no answer in time");
    }
    lastProbe = result;
    return result;
  }

  /**
   * When an attempt started and by when it must have answered: its first byte (headers, or a
   * stream's first chunk) by {@code firstDeadline}, all of it by {@code attemptDeadline}, both
   * {@code System.nanoTime()} values within the request's deadline.
   */
  record Timing(Instant at, long start, long firstDeadline, long attemptDeadline) {}

  /** An attempt's timing, starting now, under the request's deadline. */
  Timing timing(long deadlineNanos) {
    long start = System.nanoTime();
    long attemptDeadline = Math.min(deadlineNanos, start + config.timeout().toNanos());
    return new Timing(
        clock.instant(),
        start,
        Math.min(attemptDeadline, start + config.firstTokenTimeout().toNanos()),
        attemptDeadline);
  }

  /**
   * What an attempt sends, whichever client sends it.
   *
   * @param authorization the {@code Authorization} header's value, or null for a keyless provider
   */
  record Outgoing(URI uri, String accept, byte[] body, String authorization) {}

  /** The request of one attempt: the provider's endpoint, its model in the body, the key. */
  Outgoing outgoing(UpstreamCall call, String model, Credentials.Key key) {
    return new Outgoing(
        endpoint(call.endpoint()),
        call.stream() ? "text/event-stream" : "application/json",
        call.bodyFor(model),
        authorization(key));
  }

  /**
   * The model this provider is called with when it is known without asking the provider (a
   * configured one, or one auto-detect found already); null when an attempt must probe first.
   */
  String modelIfKnown() {
    return autoDetect ? detectedModel : config.model();
  }

  /** Whether this provider is reached over plain {@code http} (not TLS). */
  boolean plainHttp() {
    return !(client instanceof TlsUpstreamClient);
  }

  /**
   * One attempt with one credential, read up to the point of no return.
   *
   * @param deadlineNanos the request's deadline
   * @param onStart receives the exchange as soon as it exists, so a hedging loser can be cancelled
   */
  AttemptResult attempt(
      UpstreamCall call,
      Credentials.Key key,
      long deadlineNanos,
      java.util.function.Consumer<UpstreamExchange> onStart) {
    Timing t = timing(deadlineNanos);
    long firstDeadline = t.firstDeadline();
    long attemptDeadline = t.attemptDeadline();
    UpstreamExchange ex = null;
    try {
      String model = model(firstDeadline);
      Outgoing out = outgoing(call, model, key);
      HttpPost post = new HttpPost(out.uri());
      post.setHeader("Accept", out.accept());
      post.setEntity(new ByteArrayEntity(out.body(), JSON));
      if (out.authorization() != null) {
        post.setHeader("Authorization", out.authorization());
      }
      ex = UpstreamExchange.send(client, post);
      onStart.accept(ex);
      int status = ex.awaitHeaders(firstDeadline);
      if (status / 100 != 2) {
        return refused(t, key, status, readQuietly(ex, attemptDeadline), ex.header("Retry-After"));
      }
      if (!call.stream()) {
        return plain(t, key, model, status, ex.readBody(attemptDeadline, BODY_LIMIT));
      }
      Instant at = t.at();
      long start = t.start();
      List<String> prefix = new ArrayList<>();
      while (true) {
        String line = ex.nextLine(firstDeadline);
        if (line == null) {
          return failed(
              at, start, Outcome.RESET, status, "the stream ended before any content", key);
        }
        prefix.add(line);
        if (!line.startsWith("data:")) {
          continue;
        }
        String data = line.substring(5).strip();
        boolean done = data.equals("[DONE]");
        JsonNode chunk = null;
        if (!done) {
          try {
            chunk = ScanJson.mapper().readTree(data);
          } catch (IOException e) {
            ex.cancel();
            return failed(
                at,
                start,
                Outcome.UNPARSEABLE,
                status,
                "a stream chunk is not JSON: " + message(e),
                key);
          }
          if (chunk == null || !chunk.isObject()) {
            ex.cancel();
            return failed(
                at, start, Outcome.UNPARSEABLE, status, "a stream chunk is not a JSON object", key);
          }
          if (chunk.has("error")) {
            ex.cancel();
            return failed(at, start, Outcome.SERVER_ERROR, status, upstreamMessage(data), key);
          }
        }
        if (done || StreamChunks.hasContent(chunk)) {
          return new AttemptResult.Ready(
              attempt(at, start, Outcome.OK, status, "", key),
              this,
              model,
              ex,
              prefix,
              null,
              null,
              attemptDeadline);
        }
      }
    } catch (TimeoutException | IOException e) {
      cancel(ex);
      return e instanceof IOException io ? broke(t, key, io) : timedOut(t, key);
    }
  }

  /**
   * A non-2xx answer (GW5): the client's own error to hand back (400/404/422), or a failure that
   * fails over, with the upstream's {@code Retry-After} on a 429.
   *
   * @param body the error body as text, {@code ""} when it could not be read (the status alone
   *     classifies the answer)
   */
  AttemptResult refused(
      Timing t, Credentials.Key key, int status, String body, String retryAfterHeader) {
    Outcome outcome = classifyStatus(status, body);
    Attempt a = attempt(t.at(), t.start(), outcome, status, upstreamMessage(body), key);
    if (outcome == Outcome.CLIENT_ERROR) {
      return new AttemptResult.Rejected(a, status, body);
    }
    return new AttemptResult.Failed(
        a, outcome == Outcome.RATE_LIMITED ? retryAfter(retryAfterHeader, clock) : null);
  }

  /** A 2xx answer to a request that does not stream: the answer, or why it is not one. */
  AttemptResult plain(Timing t, Credentials.Key key, String model, int status, byte[] body) {
    PlainAnswer answer;
    try {
      answer = PlainAnswer.scan(body);
    } catch (IOException e) {
      return failed(
          t.at(),
          t.start(),
          Outcome.UNPARSEABLE,
          status,
          "the body is not JSON: " + message(e),
          key);
    }
    if (!answer.object()) {
      return failed(
          t.at(), t.start(), Outcome.UNPARSEABLE, status, "the body is not a JSON object", key);
    }
    if (answer.error()) {
      String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
      return failed(t.at(), t.start(), Outcome.SERVER_ERROR, status, upstreamMessage(text), key);
    }
    return new AttemptResult.Ready(
        attempt(t.at(), t.start(), Outcome.OK, status, "", key),
        this,
        model,
        null,
        List.of(),
        body,
        answer.usage(),
        t.attemptDeadline());
  }

  /** The exchange broke: refused, reset, or a connect or socket timeout. */
  AttemptResult.Failed broke(Timing t, Credentials.Key key, IOException e) {
    return failed(t.at(), t.start(), classify(e), 0, message(e), key);
  }

  /** No answer by the attempt's deadline. */
  AttemptResult.Failed timedOut(Timing t, Credentials.Key key) {
    return failed(t.at(), t.start(), Outcome.TIMEOUT, 0, "no answer within the time allowed", key);
  }

  /** The largest answer body an attempt reads, in bytes. */
  static int bodyLimit() {
    return BODY_LIMIT;
  }

  /** The largest error body an attempt reads, in characters; a longer one reads as {@code ""}. */
  static int errorBodyLimit() {
    return ERROR_BODY_LIMIT;
  }

  private static void cancel(UpstreamExchange ex) {
    if (ex != null) {
      ex.cancel();
    }
  }

  private AttemptResult.Failed failed(
      Instant at, long start, Outcome o, int status, String detail, Credentials.Key key) {
    return new AttemptResult.Failed(attempt(at, start, o, status, detail, key), null);
  }

  private Attempt attempt(
      Instant at, long start, Outcome o, int status, String detail, Credentials.Key key) {
    return new Attempt(
        config.name(),
        o,
        status,
        detail,
        key.secret().isEmpty() ? "none" : key.label(),
        at,
        Duration.ofNanos(System.nanoTime() - start));
  }

  private static void authorize(HttpUriRequestBase request, Credentials.Key key) {
    String authorization = authorization(key);
    if (authorization != null) {
      request.setHeader("Authorization", authorization);
    }
  }

  private static String authorization(Credentials.Key key) {
    return key.secret().isEmpty() ? null : "Bearer " + key.secret();
  }

  private static String readQuietly(UpstreamExchange ex, long deadline) {
    try {
      return ex.readRest(Math.min(deadline, System.nanoTime() + 5_000_000_000L), ERROR_BODY_LIMIT);
    } catch (IOException | TimeoutException e) {
      // The status alone classifies the answer; its body would only have added detail.
      LOG.debug("could not read an error body: {}", e.toString());
      ex.cancel();
      return "";
    }
  }

  /** GW5: which statuses fail over and which go back to the client. */
  static Outcome classifyStatus(int status, String body) {
    if (status == 429) {
      return Outcome.RATE_LIMITED;
    }
    if (status == 401 || status == 403) {
      return Outcome.AUTH_FAILED;
    }
    if (status == 408) {
      return Outcome.TIMEOUT;
    }
    if (status == 503 && body != null && body.toLowerCase(Locale.ROOT).contains("loading")) {
      return Outcome.WARMING_UP;
    }
    if (status >= 500) {
      return Outcome.SERVER_ERROR;
    }
    if (status >= 400) {
      return Outcome.CLIENT_ERROR;
    }
    return Outcome.UNPARSEABLE; // 1xx/3xx where an answer was expected
  }

  static Outcome classify(IOException e) {
    if (e instanceof NoModel n) {
      return n.outcome;
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof InterruptedIOException) { // connect and socket timeouts
        return Outcome.TIMEOUT;
      }
      if (c instanceof ConnectException) {
        return Outcome.REFUSED;
      }
    }
    return Outcome.RESET;
  }

  /** {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(String value, Clock clock) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.strip();
    if (SECONDS.matcher(v).matches()) {
      return v.length() > 6
          ? Duration.ofDays(1)
          : Duration.ofSeconds(Math.min(Long.parseLong(v), 86_400));
    }
    try {
      Instant when =
          java.time.ZonedDateTime.parse(v, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
              .toInstant();
      Duration d = Duration.between(clock.instant(), when);
      return d.isNegative() ? Duration.ZERO : d;
    } catch (java.time.format.DateTimeParseException e) {
      LOG.debug("ignored an unreadable Retry-After '{}': {}", v, e.getMessage());
      return null;
    }
  }

  private static String message(IOException e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      m = e.getClass().getSimpleName();
    }
    return firstLine(m);
  }

  /** The upstream's error message (OpenAI shape), or the body's first line. */
  static String upstreamMessage(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    try {
      JsonNode m = Json.mapper().readTree(body).path("error").path("message");
      if (m.isTextual()) {
        return firstLine(m.asText());
      }
    } catch (IOException e) {
      LOG.debug("an error body is not JSON ({}); its first line is the message", e.toString());
    }
    return firstLine(body);
  }

  private static String firstLine(String s) {
    String line = s.lines().findFirst().orElse("").strip();
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  /**
   * Auto-detect found no model to call. The probe's outcome is the attempt's: a provider that
   * refused the probe refused the attempt; one that answered without listing a model gave an answer
   * that is not what it should be.
   */
  static final class NoModel extends IOException {
    private final Outcome outcome;

    NoModel(ProbeResult probe) {
      super("auto-detect found no model: " + probe.detail());
      this.outcome = probe.outcome() == Outcome.OK ? Outcome.UNPARSEABLE : probe.outcome();
    }
  }

  /**
   * The last probe.
   *
   * @param model the first model listed, or null
   */
  record ProbeResult(
      Instant at, Outcome outcome, int status, Duration took, String model, String detail) {}
}
