package io.nxs.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.auth.ApiKey;
import io.nxs.core.http.ApiException;
import io.nxs.gateway.Attempt;
import io.nxs.gateway.Outcome;
import io.nxs.gateway.ProviderConfig;
import io.nxs.gateway.ResidencyConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's use case (GW1-GW10): one client request from admission to its answer. It reads what
 * the client asked for, chooses the chain (model, residency), admits the request under the budgets,
 * walks the chain ({@link Router}), and records what the answer cost (usage, budgets) and how it
 * went (failover time, a stream cut after the point of no return) — each once.
 *
 * <p>Design note: the steps are in {@link #handle} in the order they happen, and each is a method
 * of its own; the HTTP route only turns an {@link Answer} into a response. A step that sends the
 * request somewhere other than the local chain (another instance of a cluster) fits between {@link
 * Router#route} finding no local answer and {@link #exhausted}.
 */
final class RequestFlow {

  private static final Logger LOG = LoggerFactory.getLogger(RequestFlow.class);

  /** Request header restricting the chain to a residency (GW10). */
  static final String RESIDENCY_HEADER = "x-nxs-residency";

  /**
   * One client request as the route received it.
   *
   * @param endpoint path below a provider's base URL, e.g. {@code /chat/completions}
   * @param streamable whether the endpoint may stream
   * @param body the request body as sent
   * @param key the caller's API key, or null when the gate let it through without one
   * @param residency the {@code x-nxs-residency} header, or null
   * @param forwardedBy the {@code x-nxs-forwarded-by} header (the cluster instance that forwarded
   *     it), or null; a forwarded request is never forwarded again
   */
  record Request(
      String endpoint,
      boolean streamable,
      byte[] body,
      ApiKey key,
      String residency,
      String forwardedBy) {

    Request(String endpoint, boolean streamable, byte[] body, ApiKey key, String residency) {
      this(endpoint, streamable, body, key, residency, null);
    }
  }

  private final Router router;
  private final BudgetGuard budgets;
  private final UsageLedger usage;
  private final Telemetry telemetry;
  private final AttemptLog attempts;
  private final ResidencyConfig residency;
  private volatile PeerForwarding peers;

  RequestFlow(
      Router router,
      BudgetGuard budgets,
      UsageLedger usage,
      Telemetry telemetry,
      AttemptLog attempts,
      ResidencyConfig residency) {
    this.router = router;
    this.budgets = budgets;
    this.usage = usage;
    this.telemetry = telemetry;
    this.attempts = attempts;
    this.residency = residency;
  }

  /** SPEC CL7: from now on, a request no local provider answers may go to another instance. */
  void forwardThrough(PeerForwarding peers) {
    this.peers = peers;
  }

  /**
   * Answers one request.
   *
   * @throws ApiException when it is refused before any attempt: 400 (not JSON, {@code stream} on an
   *     endpoint that does not stream, no provider for the residency), 403 (a residency outside the
   *     key's), 429 (a hard-stopped budget), 503 (no provider configured)
   */
  Answer handle(Request request) {
    Admitted admitted = admit(request);
    return answer(admitted, router.route(admitted.call(), admitted.rc(), admitted.chain()));
  }

  /**
   * A request admitted to its chain: what it asks, the residency it is held to, the chain in the
   * order the mode walks it, and its context (trail, deadline).
   */
  record Admitted(
      Request request,
      UpstreamCall call,
      String residency,
      List<ProviderRuntime> chain,
      RequestContext rc) {}

  /**
   * The steps before any attempt: reads the request, chooses the chain, admits it under the
   * budgets. Touches memory only.
   *
   * @throws ApiException as {@link #handle} says
   */
  Admitted admit(Request request) {
    UpstreamCall call = UpstreamCall.parse(request.endpoint(), request.body());
    if (!request.streamable() && call.stream()) {
      throw ApiException.badRequest(
          request.endpoint().substring(1) + " does not stream: remove 'stream: true'");
    }
    String route = router.routeOf(call.model());
    String held = residency(request.key(), request.residency());
    List<ProviderRuntime> chain = router.chain(route, held);
    String keyId = request.key() == null ? "-" : request.key().id();
    budgets.admit(keyId);
    RequestContext rc = new RequestContext(route, keyId, router.failover().globalTimeout());
    return new Admitted(request, call, held, chain, rc);
  }

  /**
   * The answer to an admitted request once its chain was walked: the winner's, the upstream's
   * rejection, or (every provider failed) another instance's or the exhausted error. Only a {@link
   * AttemptResult.Ready} plain answer is turned into an answer without waiting.
   */
  Answer answer(Admitted admitted, AttemptResult result) {
    UpstreamCall call = admitted.call();
    RequestContext rc = admitted.rc();
    Request request = admitted.request();
    String held = admitted.residency();
    return switch (result) {
      case null -> elsewhere(request, held, rc).orElseGet(() -> exhausted(call.model(), rc));
      case AttemptResult.Failed failed ->
          elsewhere(request, held, rc).orElseGet(() -> exhausted(call.model(), rc));
      case AttemptResult.Rejected rejected ->
          new Answer.Complete(
              rejected.attempt().provider(),
              rc.attempts(),
              rejected.status(),
              rejected.body().getBytes(StandardCharsets.UTF_8));
      case AttemptResult.Ready ready -> answer(ready, call, rc);
    };
  }

  /** Whether a plain answer's recording may publish an event (a budget's threshold). */
  boolean budgeted() {
    return budgets.limited();
  }

  /** No local provider answered: another instance of the cluster may (CL7). */
  private java.util.Optional<Answer> elsewhere(
      Request request, String residency, RequestContext rc) {
    PeerForwarding p = peers;
    return p == null ? java.util.Optional.empty() : p.forward(request, residency, rc);
  }

  private Answer answer(AttemptResult.Ready ready, UpstreamCall call, RequestContext rc) {
    String provider = ready.provider().name();
    List<Attempt> trail = rc.attempts(); // a copy: one per answer
    noteFailover(rc, trail, provider);
    if (ready.exchange() == null) {
      spend(ready, rc.apiKeyId(), ready.usage());
      return new Answer.Complete(provider, trail, 200, ready.body());
    }
    return new Answer.Streamed(provider, trail, out -> relay(ready, call, rc, out));
  }

  /** Relays a won stream, then records its usage and, when it broke, the cut (GW6). */
  private void relay(
      AttemptResult.Ready ready, UpstreamCall call, RequestContext rc, OutputStream out) {
    StreamRelay relay = new StreamRelay(ready, call, out);
    long start = System.nanoTime();
    StreamRelay.End end;
    try {
      end = relay.run();
    } catch (IOException clientGone) {
      // The relay cancelled the upstream exchange; what the client did not take is not counted.
      LOG.debug(
          "client of {} went away mid-stream: {}", ready.provider().name(), clientGone.toString());
      return;
    }
    spend(ready, rc.apiKeyId(), end.usage());
    if (end.outcome() == Outcome.CUT) {
      Duration took = ready.attempt().took().plus(Duration.ofNanos(System.nanoTime() - start));
      Attempt cut = relay.cutAttempt(end, took);
      attempts.record(ready.provider(), rc, cut);
      ready.provider().breaker().onFailure(took.toNanos(), cut.describe());
    }
  }

  /** GW9: the answer's tokens and cost, and the budgets they count against. */
  private void spend(AttemptResult.Ready ready, String keyId, JsonNode used) {
    ProviderConfig pc = ready.provider().config();
    ProviderConfig.Prices prices = pc.prices();
    double cost =
        usage.record(
            pc.name(),
            ready.model(),
            keyId,
            used,
            prices == null ? 0 : prices.prompt(),
            prices == null ? 0 : prices.completion());
    budgets.spend(keyId, cost);
  }

  /**
   * The residency a request is held to (GW10): its key's default from {@code residency.keys},
   * narrowed by the header; a header outside the key's default is refused, never obeyed.
   *
   * @return the residency tag, or null for none
   * @throws ApiException 403 when the header would widen the key's default
   */
  private String residency(ApiKey key, String header) {
    String requested =
        header == null || header.isBlank() ? null : header.strip().toLowerCase(Locale.ROOT);
    String fixed = key == null ? null : residency.defaultFor(key.id(), key.name());
    if (fixed == null || requested == null) {
      return fixed != null ? fixed : requested;
    }
    if (!ResidencyConfig.within(requested, fixed)) {
      throw new ApiException(
          403,
          "permission_error",
          "residency_not_allowed",
          "key "
              + key.id()
              + " is held to residency '"
              + fixed
              + "' (residency.keys in nxs.yaml); "
              + RESIDENCY_HEADER
              + ": "
              + requested
              + " may narrow it (e.g. "
              + fixed
              + "-west), not leave it");
    }
    return requested;
  }

  private void noteFailover(RequestContext rc, List<Attempt> trail, String winner) {
    String first = trail.getFirst().provider();
    if (!first.equals(winner)) {
      telemetry.failedOver(first, winner, rc.elapsed(), trail);
    }
  }

  private Answer.Exhausted exhausted(String model, RequestContext rc) {
    List<Attempt> trail = rc.attempts();
    telemetry.allFailed(rc.route(), trail);
    boolean anyTried = trail.stream().anyMatch(a -> a.outcome().tried());
    int status;
    String code;
    String what;
    if (rc.expired()) {
      status = 504;
      code = "deadline_exceeded";
      what = "no provider answered within global_timeout";
    } else if (!anyTried) {
      status = 503;
      code = "providers_unavailable";
      what = "no provider is available";
    } else {
      status = 502;
      code = "all_providers_failed";
      what = "every provider failed";
    }
    String described = trail.stream().map(Attempt::describe).collect(Collectors.joining("; "));
    String message =
        what
            + " for model '"
            + model
            + "' (route "
            + rc.route()
            + ") after "
            + rc.elapsed().toMillis()
            + " ms: "
            + (described.isEmpty() ? "no attempt was possible" : described);
    return new Answer.Exhausted(trail, status, code, message);
  }
}
