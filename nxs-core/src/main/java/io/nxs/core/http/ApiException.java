package io.nxs.core.http;

import io.nxs.core.NxsException;
import java.util.Map;

/**
 * An error an HTTP handler answers with: status, OpenAI-style type and code, a message for the
 * client, and optional response headers (e.g. {@code Retry-After}).
 */
public final class ApiException extends NxsException {

  private final int status;
  private final String type;
  private final String code;
  private final Map<String, String> headers;

  public ApiException(int status, String type, String code, String message) {
    this(status, type, code, message, Map.of());
  }

  public ApiException(
      int status, String type, String code, String message, Map<String, String> headers) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
    this.headers = Map.copyOf(headers);
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "invalid_request_error", "bad_request", message);
  }

  /** A 400 whose message is for the client; the cause stays on the server side. */
  public static ApiException badRequest(String message, Throwable cause) {
    ApiException e = badRequest(message);
    e.initCause(cause);
    return e;
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "invalid_request_error", "not_found", message);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String code() {
    return code;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
