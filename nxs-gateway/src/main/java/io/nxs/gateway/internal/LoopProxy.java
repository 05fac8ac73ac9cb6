package io.nxs.gateway.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.channel.EventLoop;
import io.nxs.core.http.LoopExchange;
import io.nxs.gateway.FailoverConfig;
import java.util.List;

/**
 * The common request on the client connection's event loop (ADR 0037): a request that does not
 * stream, whose chain's first provider is plain {@code http} to an IP address or to a host name
 * resolved already (off the loop, {@link UpstreamAddresses}), in {@code sequential} mode, with that
 * provider's breakers closed and no budget that could publish, makes its first attempt with {@link
 * LoopUpstream} and is answered from the loop when that attempt succeeds: no other thread takes
 * part. Everything else, and every request whose first attempt does not succeed, goes on on a
 * virtual thread on the blocking path ({@link Router}, {@link ProviderLane}), the first attempt
 * handed to its lane to be recorded there as its own would have been.
 *
 * <p>Design note: the decisions are the blocking path's own ({@link ProviderLane#start}, {@link
 * ProviderLane#after}, {@link ProviderRuntime#plain}, {@link RequestFlow#answer}); only the I/O of
 * one attempt is the loop's. What runs on the loop touches memory only: the checks above are what
 * keeps a recorded success from publishing an event (a breaker's transition, a budget's threshold,
 * the air gap's end), whose subscribers may write.
 */
final class LoopProxy {

  /** Turns an answer into HTTP on the exchange (ProxyRoutes' one way). */
  @FunctionalInterface
  interface Reply {
    void answer(io.nxs.core.http.DirectExchange ex, Answer answer) throws Exception;
  }

  private final RequestFlow flow;
  private final Router router;
  private final LoopUpstream upstream;

  LoopProxy(RequestFlow flow, Router router, LoopUpstream upstream) {
    this.flow = flow;
    this.router = router;
    this.upstream = upstream;
  }

  /** Serves an admitted request, on the loop when it is the common case; called on the loop. */
  void serve(LoopExchange ex, RequestFlow.Admitted admitted, Reply reply) {
    List<ProviderRuntime> chain = admitted.chain();
    ProviderRuntime first = chain.getFirst();
    String model = first.modelIfKnown();
    if (!(ex.loop() instanceof EventLoop loop)
        || admitted.call().stream()
        || router.failover().mode() != FailoverConfig.Mode.SEQUENTIAL
        || flow.budgeted()
        || model == null
        || !upstream.serves(first)
        || !quiet(first)
        || router.airGapped()) {
      ex.resume(
          e ->
              reply.answer(
                  e, flow.answer(admitted, router.route(admitted.call(), admitted.rc(), chain))));
      return;
    }
    ProviderLane lane = router.lane(first, admitted.call(), admitted.rc());
    ProviderLane.Step step = lane.start();
    if (!(step instanceof ProviderLane.Try t)) {
      lane.resumeFrom(step);
      walkOn(ex, admitted, lane, reply);
      return;
    }
    upstream.attempt(
        loop,
        first,
        first.outgoing(admitted.call(), model, t.key()),
        first.timing(admitted.rc().deadlineNanos()),
        t.key(),
        model,
        result -> {
          // Quiet again now, and no air gap this success would end (whose event and audit entry
          // must not be written from the loop): other requests may have changed either meanwhile.
          if (!(result instanceof AttemptResult.Ready) || !quiet(first) || router.airGapped()) {
            lane.resumeAfter(result);
            walkOn(ex, admitted, lane, reply);
            return;
          }
          try {
            ProviderLane.Step end = lane.after(result);
            reply.answer(ex, flow.answer(admitted, ((ProviderLane.Done) end).result()));
          } catch (Exception e) {
            ex.resume(
                failed -> {
                  throw e;
                });
          }
        });
  }

  /** The rest of the chain on a virtual thread, the first lane going on where it stands. */
  private void walkOn(
      LoopExchange ex, RequestFlow.Admitted admitted, ProviderLane lane, Reply reply) {
    ex.resume(
        e ->
            reply.answer(
                e,
                flow.answer(
                    admitted,
                    router.walk(admitted.call(), admitted.rc(), admitted.chain(), lane))));
  }

  /**
   * Whether recording an attempt on this provider can publish nothing: its breaker and both its
   * keys' breakers closed (a success in CLOSED changes no state), and no slow-call rule (which a
   * slow success could trip).
   */
  private static boolean quiet(ProviderRuntime p) {
    return p.breaker().state() == CircuitBreaker.State.CLOSED
        && p.config().circuitBreaker().slowCallDuration().isZero()
        && p.credentials().breaker(Credentials.CURRENT).state() == CircuitBreaker.State.CLOSED
        && p.credentials().breaker(Credentials.NEXT).state() == CircuitBreaker.State.CLOSED;
  }
}
