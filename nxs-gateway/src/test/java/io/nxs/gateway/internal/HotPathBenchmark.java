package io.nxs.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's own CPU per request, without the network: reading a client body, writing it for one
 * provider (model swap, include_usage), and classifying stream chunks up to the first content. Run:
 * {@code bench/jmh nxs-gateway -f 1 -wi 3 -i 5 HotPathBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPathBenchmark {

  private byte[] clientBody;
  private String roleChunk;
  private String contentChunk;

  @Setup
  public void setUp() {
    clientBody =
        ("{\"model\":\"nxs-auto\",\"stream\":true,\"max_completion_tokens\":512,"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful agent.\"},"
                + "{\"role\":\"user\",\"content\":\"What is the weather in Berlin today? Answer briefly.\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    roleChunk =
        "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}";
    contentChunk =
        "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}";
  }

  @Benchmark
  public byte[] readAndRewriteRequest() {
    return UpstreamCall.parse("/chat/completions", clientBody).bodyFor("kimi-k2p5");
  }

  @Benchmark
  public boolean classifyStreamStart() throws IOException {
    JsonNode role = Json.mapper().readTree(roleChunk);
    JsonNode content = Json.mapper().readTree(contentChunk);
    return StreamChunks.hasContent(role) | StreamChunks.hasContent(content);
  }
}
