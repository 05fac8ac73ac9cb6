package io.nxs.gateway.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * What the gateway needs from a provider's whole (non-streamed) answer: that it is a JSON object,
 * whether it is an error in a 200 ({@code "error"} at the top), and its {@code usage} (GW9). Read
 * with Jackson's streaming parser, which checks the whole body but builds a tree of {@code usage}
 * alone; the body itself goes to the client as the bytes that came.
 *
 * @param object whether the body is a JSON object
 * @param error whether it has a top-level {@code error}
 * @param usage its top-level {@code usage} object, or null
 */
record PlainAnswer(boolean object, boolean error, JsonNode usage) {

  private static final PlainAnswer NOT_AN_OBJECT = new PlainAnswer(false, false, null);

  /**
   * @throws IOException when the body is not well-formed JSON
   */
  static PlainAnswer scan(byte[] body) throws IOException {
    // The mapper's factory, not the mapper: ObjectMapper.createParser also applies the mapper's
    // deserialization settings to the parser, which a scan that reads tokens does not need.
    try (JsonParser p = ScanJson.factory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return NOT_AN_OBJECT;
      }
      boolean error = false;
      JsonNode usage = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("error")) {
          error = true;
          p.skipChildren();
        } else if (field.equals("usage") && value == JsonToken.START_OBJECT) {
          usage = p.readValueAsTree();
        } else {
          p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new IOException("the body ends before its object does");
      }
      return new PlainAnswer(true, error, usage);
    }
  }
}
