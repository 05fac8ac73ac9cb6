package io.nxs.core.http;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A {@link HttpClient} that is built at its first use, for a client a module keeps from its start
 * but may never call (a probe, a notifier, a migration's peer check).
 *
 * <p>Design note: building a JDK {@code HttpClient} sets up TLS even for plain HTTP ({@code
 * SSLContext.getDefault()} reads the CA store, ~130 ms of CPU on the daemon's start path, paid by
 * whichever module builds the first client) and starts a selector thread per client. Wrapping the
 * builder keeps the callers' {@code HttpClient} fields and calls as they were. The lifecycle
 * methods ({@code shutdown}, {@code close}, ...) do not build a client that was never used.
 */
public final class LazyHttpClient extends HttpClient {

  private final Supplier<HttpClient> builder;
  private volatile HttpClient client;
  private volatile boolean shutdown;

  private LazyHttpClient(Supplier<HttpClient> builder) {
    this.builder = builder;
  }

  /**
   * A client that {@code builder} makes at the first call that needs one.
   *
   * @param builder builds the client, e.g. {@code () -> HttpClient.newBuilder()...build()}
   */
  public static HttpClient of(Supplier<HttpClient> builder) {
    return new LazyHttpClient(builder);
  }

  /**
   * A plain HTTP/1.1 client with this connect timeout, made at its first use: what a probe of a
   * local service (OpenClaw's gateway, a peer's health) needs.
   */
  public static HttpClient http11(Duration connectTimeout) {
    return of(
        () ->
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build());
  }

  private HttpClient client() {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          if (shutdown) {
            throw new IllegalStateException("the HTTP client was shut down before its first use");
          }
          c = builder.get();
          client = c;
        }
      }
    }
    return c;
  }

  /** Whether the client was built (a first call came). */
  public boolean built() {
    return client != null;
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return client().cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return client().connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return client().followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return client().proxy();
  }

  @Override
  public SSLContext sslContext() {
    return client().sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return client().sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return client().authenticator();
  }

  @Override
  public Version version() {
    return client().version();
  }

  @Override
  public Optional<Executor> executor() {
    return client().executor();
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    return client().send(request, handler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return client().sendAsync(request, handler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    return client().sendAsync(request, handler, pushPromiseHandler);
  }

  @Override
  public WebSocket.Builder newWebSocketBuilder() {
    return client().newWebSocketBuilder();
  }

  @Override
  public void shutdown() {
    HttpClient c = beginShutdown();
    if (c != null) {
      c.shutdown();
    }
  }

  @Override
  public void shutdownNow() {
    HttpClient c = beginShutdown();
    if (c != null) {
      c.shutdownNow();
    }
  }

  @Override
  public boolean awaitTermination(Duration duration) throws InterruptedException {
    HttpClient c = client;
    return c == null ? shutdown : c.awaitTermination(duration);
  }

  @Override
  public boolean isTerminated() {
    HttpClient c = client;
    return c == null ? shutdown : c.isTerminated();
  }

  @Override
  public void close() {
    HttpClient c = beginShutdown();
    if (c != null) {
      c.close();
    }
  }

  private synchronized HttpClient beginShutdown() {
    shutdown = true;
    return client;
  }
}
