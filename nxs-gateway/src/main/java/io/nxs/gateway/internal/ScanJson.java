package io.nxs.gateway.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON the gateway reads on a request's thread (a client's body, a provider's answer, a
 * stream's chunks): Jackson's defaults for tokens and trees (what {@code Json.mapper()} adds
 * concerns typed values and writing), with the parse buffers taken from a bounded pool that every
 * thread shares.
 *
 * <p>Design note: Jackson's default keeps one set of buffers per thread (a {@code ThreadLocal}),
 * which pays off on a pool's threads; every proxied request runs on a virtual thread of its own, so
 * the default made a new set (a {@code BufferRecycler}, its char and byte arrays, and the thread's
 * {@code ThreadLocal} map) for each request's first parse: 0.75 KB, ~4 % of the bytes a proxied
 * request allocated (bench/results/2026-12-07-gateway-4.md). Jackson's bounded pool ({@link
 * JsonRecyclerPools#sharedBoundedPool()}) hands the same sets from request to request and keeps at
 * most its capacity of them.
 */
final class ScanJson {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build())
          .build();

  private ScanJson() {}

  /** The mapper (for trees, e.g. a stream chunk or {@code usage}). */
  static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Its factory, for a scan with the streaming parser. */
  static JsonFactory factory() {
    return MAPPER.getFactory();
  }
}
