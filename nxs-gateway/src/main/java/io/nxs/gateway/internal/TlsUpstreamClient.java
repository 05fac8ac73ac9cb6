package io.nxs.gateway.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.http.nio.support.classic.SharedInputBuffer;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;

/**
 * The client of an {@code https} provider (ADR 0036): Apache HttpClient's asynchronous client,
 * which negotiates {@code h2} or {@code http/1.1} by ALPN, read on the request's thread.
 *
 * <p>Design note: the I/O reactor thread fills a {@link SharedInputBuffer} (httpcore's own, with
 * its flow control: the upstream is told to wait while the buffer is full) and the request's thread
 * reads it as the response entity's stream, so {@link UpstreamExchange} reads a stream line by line
 * exactly as it reads the classic client's socket. Apache's {@code ClassicToAsyncAdaptor} does the
 * same but does not wake a reader when the exchange is cancelled (a deadline passing in the middle
 * of a stream left the reader waiting for ever); here {@link Wire#abort} aborts the buffer as well
 * as the exchange.
 */
final class TlsUpstreamClient implements UpstreamClient {

  /** Body bytes held per exchange before the upstream is asked to wait. */
  private static final int BUFFER = 64 * 1024;

  private final CloseableHttpAsyncClient client;

  TlsUpstreamClient(CloseableHttpAsyncClient client) {
    this.client = client;
  }

  @Override
  public Wire wire(HttpUriRequestBase request) {
    return new AsyncWire(request);
  }

  @Override
  public void close(CloseMode mode) {
    client.close(mode);
  }

  private final class AsyncWire implements Wire, AsyncResponseConsumer<Void> {
    private final HttpUriRequestBase request;
    private final SharedInputBuffer buffer = new SharedInputBuffer(BUFFER);
    private final CompletableFuture<ClassicHttpResponse> head = new CompletableFuture<>();
    private volatile Future<Void> exchange;
    private volatile boolean aborted;
    private FutureCallback<Void> done;

    AsyncWire(HttpUriRequestBase request) {
      this.request = request;
    }

    @Override
    public ClassicHttpResponse open() throws IOException {
      AsyncRequestBuilder b = AsyncRequestBuilder.create(request.getMethod());
      try {
        b.setUri(request.getUri());
      } catch (URISyntaxException e) {
        throw new IOException("not a URI: " + e.getMessage(), e);
      }
      for (Header h : request.getHeaders()) {
        b.addHeader(h);
      }
      HttpEntity entity = request.getEntity();
      if (entity != null) {
        try (InputStream in = entity.getContent()) {
          b.setEntity(in.readAllBytes(), ContentType.parseLenient(entity.getContentType()));
        }
      }
      exchange = client.execute(b.build(), this, null, HttpClientContext.create(), null);
      if (aborted) {
        exchange.cancel(true);
      }
      try {
        return head.get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        abort();
        throw new InterruptedIOException("interrupted while waiting for the upstream");
      }
    }

    @Override
    public void abort() {
      aborted = true;
      Future<Void> f = exchange;
      if (f != null) {
        f.cancel(true);
      }
      head.completeExceptionally(new IOException("cancelled"));
      buffer.abort();
    }

    @Override
    public void consumeResponse(
        HttpResponse response,
        EntityDetails entity,
        HttpContext context,
        FutureCallback<Void> resultCallback) {
      BasicClassicHttpResponse r =
          new BasicClassicHttpResponse(response.getCode(), response.getReasonPhrase());
      r.setVersion(response.getVersion());
      r.setHeaders(response.getHeaders());
      if (entity == null) {
        buffer.markEndStream();
        resultCallback.completed(null);
      } else {
        done = resultCallback;
        r.setEntity(
            new InputStreamEntity(
                new Body(entity.getContentLength()),
                entity.getContentLength(),
                ContentType.parseLenient(entity.getContentType())));
      }
      head.complete(r);
    }

    @Override
    public void informationResponse(HttpResponse response, HttpContext context) {
      // 1xx answers carry nothing the gateway relays.
    }

    @Override
    public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
      buffer.updateCapacity(capacityChannel);
    }

    @Override
    public void consume(ByteBuffer src) {
      buffer.fill(src);
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) {
      buffer.markEndStream();
      FutureCallback<Void> cb = done;
      if (cb != null) {
        cb.completed(null);
      }
    }

    @Override
    public void failed(Exception cause) {
      head.completeExceptionally(cause);
      buffer.abort();
    }

    @Override
    public void releaseResources() {
      // The buffer belongs to the reader until it has read the end or closed the body.
    }

    /**
     * The body as the request's thread reads it. Closing it before the end abandons the exchange
     * (as closing an unread classic response closes its connection), unless every declared byte was
     * read: then the exchange ends by itself and an HTTP/1.1 connection goes back to the pool.
     */
    private final class Body extends InputStream {
      private final long declared;
      private long read;
      private boolean end;

      Body(long declared) {
        this.declared = declared;
      }

      @Override
      public int read() throws IOException {
        int b = buffer.read();
        count(b < 0 ? -1 : 1);
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = buffer.read(b, off, len);
        count(n);
        return n;
      }

      @Override
      public int available() {
        return buffer.length();
      }

      private void count(int n) {
        if (n < 0) {
          end = true;
        } else {
          read += n;
        }
      }

      @Override
      public void close() {
        if (!end && !(declared >= 0 && read >= declared)) {
          abort();
        }
      }
    }
  }
}
