package io.nxs.gateway;

import static io.nxs.gateway.GatewayFixture.json;
import static io.nxs.gateway.GatewayFixture.streamingChat;
import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.testkit.upstream.FakeUpstream;
import io.nxs.testkit.upstream.Script;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Streaming (GW6): invisible failover before the first content chunk, honest ends after it. */
class StreamingTest {

  @AutoClose private final FakeUpstream a = FakeUpstream.start("a");
  @AutoClose private final FakeUpstream b = FakeUpstream.start("b");
  @AutoClose private GatewayFixture f;

  private List<String> dataLines(HttpResponse<String> r) {
    return r.body().lines().filter(l -> !l.isEmpty()).toList();
  }

  @Test
  void aStreamIsRelayedChunkByChunkAndEndsWithDone() throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b));

    HttpResponse<String> r = f.post("/v1/chat/completions", streamingChat("nxs-auto"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElseThrow())
        .startsWith("text/event-stream");
    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("a");
    List<String> lines = dataLines(r);
    assertThat(lines.getLast()).isEqualTo("data: [DONE]");
    StringBuilder text = new StringBuilder();
    for (String l : lines.subList(0, lines.size() - 1)) {
      text.append(json(l.substring(6)).at("/choices/0/delta/content").asText(""));
    }
    assertThat(text.toString()).isEqualTo("Hello from upstream");
    assertThat(r.body()).as("usage was not asked for").doesNotContain("\"usage\"");
    assertThat(a.requests().getFirst().json().at("/stream_options/include_usage").asBoolean())
        .as("NXS asks the upstream for usage")
        .isTrue();
  }

  @Test
  void toolCallDeltasReachTheClientAsTheUpstreamSentThem() throws Exception {
    a.always(Script.ok().withToolCalls());
    f = GatewayFixture.start(GatewayFixture.providers(a));
    String body =
        "{\"model\":\"nxs-auto\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"max_completion_tokens\":64,\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}],"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"weather in Berlin?\"}]}";

    HttpResponse<String> viaNxs = f.post("/v1/chat/completions", body);
    HttpResponse<String> direct =
        f.http.send(
            HttpRequest.newBuilder(URI.create(a.baseUrl() + "/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(body.replace("nxs-auto", "model-a")))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(viaNxs.statusCode()).isEqualTo(200);
    assertThat(dataLines(viaNxs)).isEqualTo(dataLines(direct));
    assertThat(viaNxs.body())
        .contains("\"tool_calls\"")
        .contains("\"usage\"")
        .contains("\"x_vendor\"");
  }

  @Test
  void aStreamCutBeforeAnyContentFailsOverInvisibly() throws Exception {
    a.always(Script.cutAfter(0));
    f = GatewayFixture.start(GatewayFixture.providers(a, b));

    HttpResponse<String> r = f.post("/v1/chat/completions", streamingChat("nxs-auto"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("b");
    assertThat(r.headers().firstValue("x-nxs-attempts").orElseThrow())
        .matches("a=reset;\\d+ms, b=ok;\\d+ms");
    assertThat(r.body())
        .doesNotContain("chatcmpl-a")
        .contains("chatcmpl-b")
        .endsWith("data: [DONE]\n\n");
  }

  @Test
  void aStreamCutAfterContentEndsWithAnInBandErrorAndNoDone() throws Exception {
    a.always(Script.cutAfter(2));
    f = GatewayFixture.start(GatewayFixture.providers(a, b));

    HttpResponse<String> r = f.post("/v1/chat/completions", streamingChat("nxs-auto"));

    assertThat(r.statusCode()).isEqualTo(200);
    List<String> lines = dataLines(r);
    assertThat(lines).noneMatch(l -> l.equals("data: [DONE]"));
    assertThat(json(lines.getLast().substring(6)).at("/error/code").asText())
        .isEqualTo("stream_interrupted");
    assertThat(r.body()).contains("\"one\"").contains("\" two\"").doesNotContain("three");
    assertThat(b.count("/v1/chat/completions")).isZero();
    assertThat(f.events(GatewayEvent.AttemptFinished.class))
        .extracting(e -> e.attempt().outcome())
        .containsExactly(Outcome.OK, Outcome.CUT);
  }

  @Test
  void aSlowFirstByteBeyondFirstTokenTimeoutFailsOver() throws Exception {
    a.always(Script.ok().withFirstChunkDelay(Duration.ofSeconds(3)));
    f =
        GatewayFixture.start(
            GatewayFixture.providers(a, b)
                .replaceFirst("timeout: 5s", "timeout: 5s\n    first_token_timeout: 300ms"));

    HttpResponse<String> r = f.post("/v1/chat/completions", streamingChat("nxs-auto"));

    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("b");
    assertThat(r.headers().firstValue("x-nxs-attempts").orElseThrow()).startsWith("a=timeout;");
    assertThat(r.body()).endsWith("data: [DONE]\n\n");
  }

  @Test
  void aDripSlowerThanIdleTimeoutAfterTheFirstChunkEndsWithAnInBandError() throws Exception {
    a.always(Script.slowDrip(Duration.ofSeconds(2)));
    f =
        GatewayFixture.start(
            GatewayFixture.providers(a, b)
                .replaceFirst("timeout: 5s", "timeout: 5s\n    idle_timeout: 300ms"));

    HttpResponse<String> r = f.post("/v1/chat/completions", streamingChat("nxs-auto"));

    List<String> lines = dataLines(r);
    assertThat(lines.getLast()).contains("stream_interrupted").contains("idle_timeout");
    assertThat(r.body()).doesNotContain("[DONE]");
  }

  @Test
  void anUpstreamThatHoldsTheConnectionAfterDoneStillEndsCleanlyAndPromptly() throws Exception {
    a.always(Script.holdAfterDone());
    f =
        GatewayFixture.start(
            GatewayFixture.providers(a, b)
                .replaceFirst("timeout: 5s", "timeout: 30s\n    idle_timeout: 20s"));

    long start = System.nanoTime();
    HttpResponse<String> r = f.post("/v1/chat/completions", streamingChat("nxs-auto"));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(r.body()).endsWith("data: [DONE]\n\n").doesNotContain("stream_interrupted");
    assertThat(f.events(GatewayEvent.AttemptFinished.class))
        .extracting(e -> e.attempt().outcome())
        .containsExactly(Outcome.OK);
  }

  @Test
  void aMalformedChunkBeforeContentFailsOver() throws Exception {
    a.always(Script.malformed());
    f = GatewayFixture.start(GatewayFixture.providers(a, b));

    HttpResponse<String> r = f.post("/v1/chat/completions", streamingChat("nxs-auto"));

    assertThat(r.headers().firstValue("x-nxs-attempts").orElseThrow()).startsWith("a=unparseable;");
    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("b");
  }

  @Test
  void completionsStreamToo() throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b));

    HttpResponse<String> r =
        f.post("/v1/completions", "{\"model\":\"x\",\"prompt\":\"Say\",\"stream\":true}");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"text\":\"Hello\"").endsWith("data: [DONE]\n\n");
  }
}
