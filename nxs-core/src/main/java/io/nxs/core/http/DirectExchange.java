package io.nxs.core.http;

import io.nxs.core.auth.ApiKey;
import java.io.IOException;
import java.io.OutputStream;

/**
 * One request on the direct path and its response, without the server's types: what a {@link
 * DirectRoutes.Handler} reads and writes. A handler answers once, with {@link #respond} or {@link
 * #stream}; response headers set before that go out with it.
 */
public interface DirectExchange {

  /** The request path, as the client sent it. */
  String path();

  /** A request header's first value, or null. */
  String header(String name);

  /**
   * The whole request body.
   *
   * @throws ApiException 413 when it is larger than the server accepts
   * @throws IOException when the client went away while sending it
   */
  byte[] body() throws IOException;

  /** The key that passed the gate. */
  ApiKey key();

  /** Sets a response header. */
  DirectExchange header(String name, String value);

  /** Answers with a whole body. */
  void respond(int status, String contentType, byte[] body);

  /**
   * Starts a streamed answer; writes are buffered, each {@code flush()} sends what was written so
   * far, and the answer ends when the handler returns.
   */
  OutputStream stream(int status, String contentType) throws IOException;
}
