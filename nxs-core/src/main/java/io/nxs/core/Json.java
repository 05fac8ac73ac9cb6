package io.nxs.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one JSON mapper for API bodies and CLI output: ISO timestamps, no nulls. */
public final class Json {

  /**
   * Jackson lends each parser and generator a buffer recycler; by default it keeps one per thread,
   * which for a virtual thread per request means a new recycler (and thread-local entry) on every
   * request: 1.5 % of a proxied chat completion's samples, which parses its body and the answer
   * (bench/results/2026-12-07-gateway-profile.md). One shared pool lends them across threads and
   * holds at most as many as were ever in use at once.
   */
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                  .build())
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  private Json() {}

  /** The shared, thread-safe mapper. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Writes a value as compact JSON. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new NxsException("cannot write JSON for " + value.getClass().getSimpleName(), e);
    }
  }

  /** Writes a value as indented JSON, for people reading CLI output. */
  public static String writePretty(Object value) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new NxsException("cannot write JSON for " + value.getClass().getSimpleName(), e);
    }
  }
}
