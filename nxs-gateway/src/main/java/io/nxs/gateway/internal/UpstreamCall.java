package io.nxs.gateway.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nxs.core.Json;
import io.nxs.core.http.ApiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the client asked for, ready to be sent to any provider: the endpoint, the client's body as
 * it came (every field kept, byte for byte, so tools, response_format and vendor extensions pass
 * through), the model it named, and whether it streams.
 *
 * <p>Design note: the gateway needs three things from a body that may hold a long conversation:
 * {@code model}, {@code stream} and {@code stream_options.include_usage}. {@link #parse} reads them
 * with Jackson's streaming parser, which checks that the whole body is well-formed JSON but builds
 * no tree, and remembers where the {@code model} value sits; {@link #bodyFor} then writes a
 * provider's model into that place. Only a body that needs more (no {@code model} string, a
 * duplicate one, or a stream whose {@code include_usage} must be added) is rebuilt through a tree.
 *
 * @param endpoint path below the provider's base URL, e.g. {@code /chat/completions}
 * @param body the client's JSON body, never changed in place
 * @param model the model the client named, {@code ""} when none
 * @param stream whether the client asked for {@code stream: true}
 * @param clientWantsUsage whether the client asked for {@code stream_options.include_usage}
 * @param modelStart offset of the {@code model} value's opening quote in {@code body}, or -1 when
 *     the body must be rebuilt
 * @param modelEnd offset just after the value's closing quote
 */
record UpstreamCall(
    String endpoint,
    byte[] body,
    String model,
    boolean stream,
    boolean clientWantsUsage,
    int modelStart,
    int modelEnd) {

  /**
   * Reads a client's request body.
   *
   * @throws ApiException 400 when it is not a JSON object
   */
  static UpstreamCall parse(String endpoint, byte[] json) {
    String model = "";
    boolean stream = false;
    boolean usage = false;
    int start = -1;
    int end = -1;
    boolean spliceable = true;
    try (JsonParser p = ScanJson.factory().createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw ApiException.badRequest("the request body must be a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "model" -> {
            if (value == JsonToken.VALUE_STRING && start < 0) {
              start = (int) p.currentTokenLocation().getByteOffset();
              model = p.getText();
              end = (int) p.currentLocation().getByteOffset();
            } else {
              spliceable = false; // not a string, or named twice: rebuild
              p.skipChildren();
            }
          }
          case "stream" -> {
            stream = value == JsonToken.VALUE_TRUE;
            p.skipChildren();
          }
          case "stream_options" -> {
            if (value == JsonToken.START_OBJECT) {
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String option = p.currentName();
                JsonToken v = p.nextToken();
                if (option.equals("include_usage")) {
                  usage = v == JsonToken.VALUE_TRUE;
                }
                p.skipChildren();
              }
            } else {
              p.skipChildren();
            }
          }
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw ApiException.badRequest("the request body is not JSON: it ends early");
      }
    } catch (IOException e) {
      throw ApiException.badRequest("the request body is not JSON: " + firstLine(e.getMessage()));
    }
    boolean splice = spliceable && start >= 0 && end > start && (!stream || usage);
    return new UpstreamCall(
        endpoint, json, model, stream, usage, splice ? start : -1, splice ? end : -1);
  }

  /** The body for one provider: its own model, and usage asked for when streaming (GW9). */
  byte[] bodyFor(String providerModel) {
    if (modelStart >= 0) {
      byte[] quoted = quote(providerModel);
      byte[] out = new byte[body.length - (modelEnd - modelStart) + quoted.length];
      System.arraycopy(body, 0, out, 0, modelStart);
      System.arraycopy(quoted, 0, out, modelStart, quoted.length);
      System.arraycopy(body, modelEnd, out, modelStart + quoted.length, body.length - modelEnd);
      return out;
    }
    return rebuilt(providerModel);
  }

  private byte[] rebuilt(String providerModel) {
    ObjectNode copy;
    try {
      copy = (ObjectNode) Json.mapper().readTree(body);
    } catch (IOException e) {
      // parse() read the same bytes as a JSON object already
      throw new IllegalStateException("a parsed request body no longer parses", e);
    }
    copy.put("model", providerModel);
    if (stream) {
      ObjectNode options =
          copy.get("stream_options") instanceof ObjectNode o ? o : copy.putObject("stream_options");
      options.put("include_usage", true);
    }
    return copy.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] quote(String s) {
    byte[] inner = JsonStringEncoder.getInstance().quoteAsUTF8(s);
    byte[] out = new byte[inner.length + 2];
    out[0] = '"';
    System.arraycopy(inner, 0, out, 1, inner.length);
    out[out.length - 1] = '"';
    return out;
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
