package io.nxs.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;

/** What a streamed chunk holds, for the point of no return (GW6) and for usage (GW9). */
final class StreamChunks {

  private StreamChunks() {}

  /**
   * Whether a chunk carries real content: text, a tool-call delta, a refusal, or a finish reason
   * ({@code /v1/chat/completions}), or text ({@code /v1/completions}). The role-only first chunk of
   * a chat stream is not content.
   */
  static boolean hasContent(JsonNode chunk) {
    JsonNode choices = chunk.path("choices");
    for (JsonNode choice : choices) {
      JsonNode delta = choice.path("delta");
      if (nonEmpty(delta.path("content"))
          || nonEmpty(delta.path("reasoning_content"))
          || nonEmpty(delta.path("refusal"))
          || delta.path("tool_calls").size() > 0
          || delta.path("function_call").isObject()
          || nonEmpty(choice.path("text"))
          || nonEmpty(choice.path("finish_reason"))) {
        return true;
      }
    }
    return false;
  }

  /** Whether a chunk is the usage-only chunk that {@code include_usage} adds. */
  static boolean usageOnly(JsonNode chunk) {
    return chunk.path("usage").isObject() && chunk.path("choices").isEmpty();
  }

  private static boolean nonEmpty(JsonNode n) {
    return n.isTextual() && !n.asText().isEmpty();
  }
}
