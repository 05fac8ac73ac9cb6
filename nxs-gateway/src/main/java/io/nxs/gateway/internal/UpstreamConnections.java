package io.nxs.gateway.internal;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.impl.io.DefaultHttpResponseParserFactory;
import org.apache.hc.client5.http.impl.io.DefaultManagedHttpClientConnection;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.DefaultContentLengthStrategy;
import org.apache.hc.core5.http.impl.io.DefaultHttpRequestWriterFactory;
import org.apache.hc.core5.http.impl.io.NoResponseOutOfOrderStrategy;
import org.apache.hc.core5.http.impl.io.SocketHolder;
import org.apache.hc.core5.http.io.HttpConnectionFactory;
import org.apache.hc.core5.http.io.HttpMessageParserFactory;
import org.apache.hc.core5.http.io.HttpMessageWriterFactory;
import org.apache.hc.core5.util.Timeout;

/**
 * The upstream client's connections: Apache HttpClient's own, built with the settings of its
 * default factory, less the two socket-timeout changes it makes on every lease and every return to
 * the pool.
 *
 * <p>Design note: the pool calls {@code activate()} when it hands out a connection and {@code
 * passivate()} when it takes one back; the default connection sets the socket's read timeout in
 * both (to the configured socket timeout, then to infinite). The gateway never gives a socket a
 * read timeout (deadlines are {@link UpstreamExchange}'s, see ADR 0033), so both calls set the
 * infinite timeout the socket already has — twice per request, under the socket's lock, a few
 * percent of a proxied request's samples in the profile
 * (bench/results/2026-12-06-gateway-overhead-3.md). The pool's lease also sets the connection's
 * socket timeout (to the connection config's, again the infinite one) on every request: 3-4 % of
 * the samples in bench/results/2026-12-07-gateway-profile.md; a connection now passes a timeout on
 * to its socket only when it differs from the one it set last. Only a client whose socket timeouts
 * are all disabled may use these connections: {@link ProviderRuntime} builds the only one.
 */
final class UpstreamConnections implements HttpConnectionFactory<ManagedHttpClientConnection> {

  private static final AtomicLong COUNTER = new AtomicLong();

  private final HttpMessageWriterFactory<ClassicHttpRequest> writers =
      new DefaultHttpRequestWriterFactory(Http1Config.DEFAULT);
  private final HttpMessageParserFactory<ClassicHttpResponse> parsers =
      new DefaultHttpResponseParserFactory(Http1Config.DEFAULT);

  @Override
  public ManagedHttpClientConnection createConnection(Socket socket) throws IOException {
    Connection conn = new Connection("http-outgoing-" + COUNTER.getAndIncrement(), this);
    if (socket != null) {
      conn.bind(socket);
    }
    return conn;
  }

  /** A pooled connection whose socket keeps its (infinite) read timeout in and out of the pool. */
  private static final class Connection extends DefaultManagedHttpClientConnection {

    /** The timeout this connection last gave its socket; null until it gives one. */
    private Timeout applied;

    Connection(String id, UpstreamConnections factory) {
      super(
          id,
          null,
          null,
          Http1Config.DEFAULT,
          DefaultContentLengthStrategy.INSTANCE,
          DefaultContentLengthStrategy.INSTANCE,
          NoResponseOutOfOrderStrategy.INSTANCE,
          factory.writers,
          factory.parsers);
    }

    @Override
    public void activate() {
      // The socket's timeout is already the infinite one the default would set again.
    }

    @Override
    public void passivate() {
      // Likewise: nothing set it to anything else while the connection was leased.
    }

    @Override
    public void bind(Socket socket) throws IOException {
      applied = null; // a new socket: its timeout is whatever its creator set
      super.bind(socket);
    }

    @Override
    public void bind(SocketHolder holder) throws IOException {
      applied = null;
      super.bind(holder);
    }

    @Override
    public void bind(SSLSocket sslSocket, Socket socket) throws IOException {
      applied = null;
      super.bind(sslSocket, socket);
    }

    @Override
    public void setSocketTimeout(Timeout timeout) {
      if (timeout != null && timeout.equals(applied)) {
        return; // the socket has it already: setting it again costs a lock and an option call
      }
      super.setSocketTimeout(timeout);
      applied = timeout;
    }
  }
}
