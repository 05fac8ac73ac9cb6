package io.nxs.gateway.internal;

import io.micrometer.core.instrument.Counter;
import io.nxs.core.cluster.ClusterMember;
import io.nxs.core.cluster.ClusterPorts;
import io.nxs.core.cluster.ClusterView;
import io.nxs.core.cluster.PeerRequest;
import io.nxs.gateway.Attempt;
import io.nxs.gateway.ForwardingConfig;
import io.nxs.gateway.Outcome;
import io.nxs.gateway.ResidencyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPEC CL7: a request none of this instance's providers could answer goes to another instance of
 * the cluster, through that instance's own {@code /v1} API. The core cluster port chooses the
 * instance (healthy, taking work, best score, this region first, then the nearby ones; a client
 * stays on the same instance while it stays healthy); residency limits the choice to instances
 * whose region lies within the request's residency, and the residency travels with the request, so
 * the other instance holds its providers to it too.
 *
 * <p>A forwarded request carries {@value #FORWARDED_HEADER} (this instance's id) and is never
 * forwarded again, so two instances whose providers are all down cannot bounce a request between
 * them. The other instance is called with the key {@code forwarding.peer_keys} gives for it; an
 * instance with no key there is not forwarded to. What the other instance answers is passed on: its
 * answer (a whole body or a stream), or its refusal of the request itself (400/404/422). When it
 * cannot answer either (it is unreachable, refuses the key, or its providers failed too) the client
 * gets this instance's own error, with the forward in the attempt trail as {@code @<node id>}.
 */
final class PeerForwarding implements AutoCloseable {

  /** Request header naming the instance that forwarded a request; such a request stays put. */
  static final String FORWARDED_HEADER = "x-nxs-forwarded-by";

  private static final Logger LOG = LoggerFactory.getLogger(PeerForwarding.class);
  private static final int BODY_LIMIT = 64 * 1024 * 1024;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final ClusterPorts ports;
  private final ForwardingConfig config;
  private final Telemetry telemetry;
  // Made at the first forward: building an HttpClient sets up TLS and reads the CA store (7 % of
  // the daemon's start-up CPU), and an instance outside a cluster never forwards.
  private HttpClient http;
  private boolean closed;

  PeerForwarding(ClusterPorts ports, ForwardingConfig config, Telemetry telemetry) {
    this.ports = ports;
    this.config = config;
    this.telemetry = telemetry;
  }

  private synchronized HttpClient http() throws IOException {
    if (closed) {
      throw new IOException("peer forwarding is closed");
    }
    if (http == null) {
      http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(CONNECT_TIMEOUT)
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
    }
    return http;
  }

  /**
   * Hands a request to another instance when there is one to hand it to.
   *
   * @param residency the residency the request is held to, or null
   * @return the other instance's answer, or empty when the request stays here (no cluster, already
   *     forwarded, deadline passed, no eligible instance with a key, or the instance could not
   *     answer — then the trail in {@code rc} says why)
   */
  Optional<Answer> forward(RequestFlow.Request request, String residency, RequestContext rc) {
    ClusterView view = ports.view();
    if (!config.enabled() || !view.clustered() || request.forwardedBy() != null || rc.expired()) {
      return Optional.empty();
    }
    PeerRequest ask = PeerRequest.sticky(request.key() == null ? "" : request.key().id());
    if (residency != null) {
      Set<String> regions =
          view.members().stream()
              .map(ClusterMember::region)
              .filter(r -> !r.isEmpty() && ResidencyConfig.within(r, residency))
              .collect(Collectors.toSet());
      if (regions.isEmpty()) {
        return Optional.empty(); // no instance may process this data
      }
      ask = ask.within(regions);
    }
    Optional<ClusterMember> peer = view.peerFor(ask);
    if (peer.isEmpty() || peer.get().apiUrl().isEmpty()) {
      return Optional.empty();
    }
    ClusterMember to = peer.get();
    Optional<String> key = config.keyFor(to.nodeId());
    if (key.isEmpty()) {
      LOG.debug(
          "instance {} could take the request but forwarding.peer_keys has no key for it",
          to.nodeId());
      return Optional.empty();
    }
    return send(request, residency, rc, view.localNodeId(), to, key.get());
  }

  private Optional<Answer> send(
      RequestFlow.Request request,
      String residency,
      RequestContext rc,
      String self,
      ClusterMember to,
      String key) {
    Duration left = Duration.ofNanos(Math.max(1, rc.deadlineNanos() - System.nanoTime()));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base(to.apiUrl()) + "/v1" + request.endpoint()))
            .timeout(left)
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + key)
            .header(FORWARDED_HEADER, self)
            .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
    if (residency != null) {
      b.header(RequestFlow.RESIDENCY_HEADER, residency);
    }
    String label = "@" + to.nodeId();
    Instant at = telemetry.clock().instant();
    long start = System.nanoTime();
    HttpResponse<InputStream> response;
    try {
      response = http().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      return failed(rc, label, at, start, Outcome.TIMEOUT, 0, "no answer within the time allowed");
    } catch (IOException e) {
      return failed(
          rc, label, at, start, ProviderRuntime.classify(e), 0, String.valueOf(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(rc, label, at, start, Outcome.CANCELLED, 0, "interrupted");
    }
    int status = response.statusCode();
    String provider =
        response.headers().firstValue(ProxyRoutes.PROVIDER_HEADER).orElse("none") + label;
    boolean stream =
        status == 200
            && response
                .headers()
                .firstValue("Content-Type")
                .orElse("")
                .startsWith("text/event-stream");
    if (stream) {
      rc.add(attempt(label, at, start, Outcome.OK, status, ""));
      count(to, "ok");
      InputStream body = response.body();
      return Optional.of(new Answer.Streamed(provider, rc.attempts(), out -> relay(body, out)));
    }
    byte[] body;
    try (InputStream in = response.body()) {
      body = in.readNBytes(BODY_LIMIT);
    } catch (IOException e) {
      return failed(
          rc, label, at, start, ProviderRuntime.classify(e), status, "its answer broke off");
    }
    Outcome outcome =
        status / 100 == 2 ? Outcome.OK : ProviderRuntime.classifyStatus(status, bodyText(body));
    if (outcome == Outcome.OK || outcome == Outcome.CLIENT_ERROR) {
      rc.add(attempt(label, at, start, outcome, status, ""));
      count(to, outcome == Outcome.OK ? "ok" : "rejected");
      return Optional.of(new Answer.Complete(provider, rc.attempts(), status, body));
    }
    String detail =
        outcome == Outcome.AUTH_FAILED
            ? "it refused the key in forwarding.peer_keys." + to.nodeId()
            : ProviderRuntime.upstreamMessage(bodyText(body));
    return failed(rc, label, at, start, outcome, status, detail);
  }

  /** Copies a stream as it comes; a client that goes away closes the other instance's stream. */
  private static void relay(InputStream body, OutputStream out) {
    try (body) {
      byte[] buf = new byte[8192];
      for (int n = body.read(buf); n >= 0; n = body.read(buf)) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // The client went away or the other instance's stream broke off: either way it ends here,
      // as a local stream does (the other instance records its own cut).
      LOG.debug("a forwarded stream ended early: {}", e.toString());
    }
  }

  private Optional<Answer> failed(
      RequestContext rc,
      String label,
      Instant at,
      long start,
      Outcome outcome,
      int status,
      String detail) {
    rc.add(attempt(label, at, start, outcome, status, detail));
    count(label.substring(1), outcome.label());
    return Optional.empty();
  }

  private static Attempt attempt(
      String label, Instant at, long start, Outcome outcome, int status, String detail) {
    return new Attempt(
        label, outcome, status, detail, "none", at, Duration.ofNanos(System.nanoTime() - start));
  }

  private void count(ClusterMember to, String outcome) {
    count(to.nodeId(), outcome);
  }

  private void count(String nodeId, String outcome) {
    Counter.builder("nxs.gateway.forwarded")
        .description("Requests handed to another cluster instance, by instance and outcome")
        .tag("instance", nodeId)
        .tag("outcome", outcome)
        .register(telemetry.metrics())
        .increment();
  }

  private static String base(String apiUrl) {
    return apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
  }

  private static String bodyText(byte[] body) {
    return new String(body, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (http != null) {
      http.close();
    }
  }
}
