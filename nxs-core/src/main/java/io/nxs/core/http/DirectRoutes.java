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
}
