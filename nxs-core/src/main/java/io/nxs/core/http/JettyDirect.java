package io.nxs.core.http;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The direct path on Jetty: a handler ahead of Javalin's servlet that serves the {@link
 * DirectPath}'s routes itself and passes every other request on. It serves the daemon's port where
 * the {@link NettyFront} cannot run, and behind the front the requests the front hands on.
 *
 * <p>A whole answer is handed to Jetty without blocking (the request's callback completes when it
 * is written); a stream blocks the request's virtual thread, as on the servlet path.
 */
final class JettyDirect extends Handler.Wrapper {

  private final DirectPath direct;

  /** The security headers, encoded once: a response adds them without a search or an encoding. */
  private final List<HttpField> securityHeaders;

  JettyDirect(DirectPath direct) {
    this.direct = direct;
    this.securityHeaders =
        direct.securityHeaders().entrySet().stream()
            .<HttpField>map(h -> new PreEncodedHttpField(h.getKey(), h.getValue()))
            .toList();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    if (path == null) {
      return super.handle(request, response, callback); // CONNECT, OPTIONS *
    }
    DirectPath.Route route = direct.match(path, request.getMethod());
    if (route == null) {
      return super.handle(request, response, callback); // the routing layer's 404 or its route
    }
    HttpFields.Mutable headers = response.getHeaders();
    securityHeaders.forEach(headers::add); // a fresh response: none of them is there yet
    direct.serve(
        route,
        new Exchange(request, response, callback),
        Request.getRemoteAddr(request),
        request.getHeaders().get(HttpHeader.AUTHORIZATION));
    return true;
  }

  /** One request and its answer on Jetty; completes the request's callback when done. */
  private final class Exchange extends DirectPath.Exchange {

    /** Jetty has no event loop of its own to offer: its routes are served on their thread. */
    @Override
    public java.util.concurrent.ScheduledExecutorService loop() {
      throw new UnsupportedOperationException("Jetty serves direct routes on their own thread");
    }

    @Override
    void startVirtual(Runnable task) {
      Thread.startVirtualThread(task);
    }

    private final Request request;
    private final Response response;
    private final Callback callback;
    private ByteBuffer whole;
    private OutputStream stream;

    Exchange(Request request, Response response, Callback callback) {
      this.request = request;
      this.response = response;
      this.callback = callback;
    }

    @Override
    public String path() {
      return request.getHttpURI().getPath();
    }

    @Override
    public String header(String name) {
      return request.getHeaders().get(name);
    }

    @Override
    public byte[] body() throws IOException {
      int maxBody = direct.maxBody();
      if (request.getLength() > maxBody) {
        throw DirectPath.tooLarge(maxBody);
      }
      try {
        return Content.Source.asByteArrayAsync(request, maxBody).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while reading the request body", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof IllegalStateException) {
          throw DirectPath.tooLarge(maxBody); // a bounded read's only state error: the limit
        }
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      }
    }

    @Override
    public DirectExchange header(String name, String value) {
      response.getHeaders().put(name, value);
      return this;
    }

    @Override
    String method() {
      return request.getMethod();
    }

    @Override
    int status() {
      return response.getStatus();
    }

    @Override
    void whole(int status, String contentType, byte[] body) {
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      whole = ByteBuffer.wrap(body);
    }

    @Override
    OutputStream open(int status, String contentType) {
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
      // Jetty's sink stream sends each write at once; the buffer gathers a handler's writes until
      // it flushes, as the servlet layer's output buffer did (an SSE event is four writes).
      stream =
          new BufferedOutputStream(Content.Sink.asOutputStream(response), DirectPath.STREAM_BUFFER);
      return stream;
    }

    @Override
    boolean committed() {
      return response.isCommitted();
    }

    @Override
    void finish() {
      if (broken() != null) {
        callback.failed(broken());
      } else if (stream != null) {
        try {
          stream.close();
          callback.succeeded();
        } catch (IOException e) {
          callback.failed(e);
        }
      } else {
        response.write(true, whole, callback);
      }
    }
  }
}
