package io.nxs.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nxs.core.Json;
import io.nxs.core.http.ApiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the client asked for, ready to be sent to any provider: the endpoint, the client's body
 * (every field kept, so tools, response_format and vendor extensions pass through), and whether it
 * streams.
 *
 * @param endpoint path below the provider's base URL, e.g. {@code /chat/completions}
 * @param body the client's JSON body, never changed in place
 * @param stream whether the client asked for {@code stream: true}
 * @param clientWantsUsage whether the client asked for {@code stream_options.include_usage}
 */
record UpstreamCall(String endpoint, ObjectNode body, boolean stream, boolean clientWantsUsage) {

  /**
   * Reads a client's request body.
   *
   * @throws ApiException 400 when it is not a JSON object
   */
  static UpstreamCall parse(String endpoint, byte[] json) {
    JsonNode body;
    try {
      body = Json.mapper().readTree(json);
    } catch (IOException e) {
      throw ApiException.badRequest("the request body is not JSON: " + firstLine(e.getMessage()));
    }
    if (!(body instanceof ObjectNode o)) {
      throw ApiException.badRequest("the request body must be a JSON object");
    }
    return of(endpoint, o);
  }

  static UpstreamCall of(String endpoint, ObjectNode body) {
    boolean stream = body.path("stream").asBoolean(false);
    boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
    return new UpstreamCall(endpoint, body, stream, usage);
  }

  /** The model the client named ({@code ""} when none). */
  String model() {
    return body.path("model").asText("");
  }

  /** The body for one provider: its own model, and usage asked for when streaming (GW9). */
  byte[] bodyFor(String model) {
    ObjectNode copy = body.deepCopy();
    copy.put("model", model);
    if (stream) {
      ObjectNode options =
          copy.get("stream_options") instanceof ObjectNode o ? o : copy.putObject("stream_options");
      options.put("include_usage", true);
    }
    return copy.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
