package io.nxs.gateway.internal;

import java.io.IOException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.io.CloseMode;

/**
 * How a provider's exchanges reach it: the classic client for {@code http} (ADR 0033), {@link
 * TlsUpstreamClient} for {@code https} (ADR 0036). Either way {@link UpstreamExchange} reads the
 * answer on the request's thread as a {@link ClassicHttpResponse}.
 */
interface UpstreamClient {

  /** One request on its way: sent by {@link #open}, abandoned by {@link #abort}. */
  interface Wire {
    /**
     * Sends the request and waits for the status and headers; the body is read from the response's
     * entity.
     *
     * @throws IOException when the exchange failed or was aborted
     */
    ClassicHttpResponse open() throws IOException;

    /**
     * Abandons the exchange from any thread: a wait in {@link #open} or in a read of the body ends
     * with an {@link IOException}, and the connection (HTTP/1.1) or stream (HTTP/2) is closed.
     */
    void abort();
  }

  /** A wire for the request; nothing is sent until {@link Wire#open}. */
  Wire wire(HttpUriRequestBase request);

  /** Closes the client and its connections. */
  void close(CloseMode mode);

  /** The classic, blocking client: the request's thread writes and reads the socket itself. */
  static UpstreamClient classic(CloseableHttpClient client) {
    return new UpstreamClient() {
      @Override
      public Wire wire(HttpUriRequestBase request) {
        return new Wire() {
          @Override
          public ClassicHttpResponse open() throws IOException {
            return client.executeOpen(null, request, HttpClientContext.create());
          }

          @Override
          public void abort() {
            request.cancel();
          }
        };
      }

      @Override
      public void close(CloseMode mode) {
        client.close(mode);
      }
    };
  }
}
