package io.nxs.core.http;

import io.nxs.core.auth.Scope;

/**
 * Routes served on the direct path: ahead of the general routing layer, for the few routes whose
 * cost per request matters (the gateway's {@code /v1/*}). A direct route passes the same gate as
 * every other one (bearer key, scope, lockout, security headers, the {@code http.server.requests}
 * timer, error bodies in the OpenAI shape); what it skips is the routing layer's per-request
 * context, matching and handler lists. Paths match exactly (a trailing slash is ignored); every
 * other request, another method on a direct path too, goes on to the routing layer.
 */
public interface DirectRoutes {

  /** Serves {@code POST path} for keys with at least {@code scope}. */
  void post(String path, Scope scope, Handler handler);

  /**
   * Serves {@code POST path} for keys with at least {@code scope}: on a server with event loops
   * (the Netty front), {@code onLoop} first, on the connection's loop, when the key is known
   * without waiting; else, and wherever {@code onLoop} hands it on, {@code handler} on a virtual
   * thread.
   */
  void post(String path, Scope scope, Handler handler, LoopHandler onLoop);

  /** Serves {@code GET path} for keys with at least {@code scope}. */
  void get(String path, Scope scope, Handler handler);

  /** Serves one request that passed the gate. */
  @FunctionalInterface
  interface Handler {

    /**
     * Answers the request; an {@link ApiException} (or any other failure) becomes the same error
     * body the routing layer gives.
     */
    void handle(DirectExchange exchange) throws Exception;
  }

  /** Serves one request that passed the gate, on the event loop of its connection. */
  @FunctionalInterface
  interface LoopHandler {

    /**
     * Answers the request now or later from the loop, or {@link LoopExchange#resume hands it on};
     * must not block. A failure thrown here becomes the same error body a {@link Handler}'s does.
     */
    void handle(LoopExchange exchange) throws Exception;
  }
}
