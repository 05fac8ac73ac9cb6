package io.nxs.core.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.nxs.core.Json;
import io.nxs.core.log.Redaction;

/**
 * Error bodies in the OpenAI shape, used by every NXS API so clients parse one format: {@code
 * {"error":{"message","type","param","code"}}}. Messages pass through the redactor.
 */
public final class ApiError {

  private ApiError() {}

  /** The error body as JSON text. */
  public static String body(String type, String code, String message) {
    ObjectNode root = Json.mapper().createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", Redaction.redact(message));
    error.put("type", type);
    error.putNull("param");
    if (code == null) {
      error.putNull("code");
    } else {
      error.put("code", code);
    }
    return root.toString();
  }

  /** Responds with an error. */
  public static void respond(Context ctx, int status, String type, String code, String message) {
    ctx.status(status).contentType("application/json").result(body(type, code, message));
  }
}
