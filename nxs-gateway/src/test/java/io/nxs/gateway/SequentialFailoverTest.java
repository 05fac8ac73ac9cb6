package io.nxs.gateway;

import static io.nxs.gateway.GatewayFixture.chat;
import static io.nxs.gateway.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.testkit.upstream.FakeUpstream;
import io.nxs.testkit.upstream.Script;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Non-streaming requests through the real gateway to real loopback upstreams, sequential mode. */
class SequentialFailoverTest {

  @AutoClose private final FakeUpstream a = FakeUpstream.start("a");
  @AutoClose private final FakeUpstream b = FakeUpstream.start("b");
  @AutoClose private GatewayFixture f;

  @Test
  void theFirstProviderAnswersWithItsOwnModelAndSaysWhoAnswered() throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b));

    HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("a");
    assertThat(r.headers().firstValue("x-nxs-attempts"))
        .hasValueSatisfying(h -> assertThat(h).startsWith("a=ok;"));
    JsonNode body = json(r.body());
    assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hello from upstream");
    assertThat(body.get("model").asText()).isEqualTo("model-a");
    assertThat(body.at("/x_vendor/upstream").asText()).isEqualTo("a");
    assertThat(a.requests().getFirst().json().get("model").asText()).isEqualTo("model-a");
    assertThat(a.requests().getFirst().header("authorization")).isEqualTo("Bearer key-of-a");
    assertThat(b.count("/v1/chat/completions")).isZero();
  }

  @Test
  void aRefusingProviderFailsOverToTheNextAndTheTrailSaysSo() throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b));
    a.kill();

    HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("b");
    assertThat(r.headers().firstValue("x-nxs-attempts").orElseThrow())
        .matches("a=refused;\\d+ms, b=ok;\\d+ms");
    assertThat(f.events(GatewayEvent.FailedOver.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.from()).isEqualTo("a");
              assertThat(e.to()).isEqualTo("b");
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !f.auditEntries("provider.failover").isEmpty());
  }

  @Test
  void aServerErrorIsRetriedOnTheSameProviderUpToItsRetryThenFailsOver() throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b).replaceFirst("retry: 0", "retry: 1"));
    a.always(Script.status(503));

    HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("b");
    assertThat(a.count("/v1/chat/completions")).isEqualTo(2);
    assertThat(r.headers().firstValue("x-nxs-attempts").orElseThrow())
        .matches("a=server_error;\\d+ms, a=server_error;\\d+ms, b=ok;\\d+ms");
  }

  @Test
  void aClientsBadRequestIsReturnedAsIsAndNeitherRetriedNorCountedAgainstTheProvider()
      throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b).replaceFirst("retry: 0", "retry: 2"));
    a.always(Script.status(400));

    HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("a");
    assertThat(json(r.body()).at("/error/message").asText()).isEqualTo("upstream a answers 400");
    assertThat(a.count("/v1/chat/completions")).isEqualTo(1);
    assertThat(b.count("/v1/chat/completions")).isZero();
    assertThat(f.events(GatewayEvent.BreakerTransitioned.class)).isEmpty();
  }

  @Test
  void aContextLength400FallsOverToALaterProviderWithALargerWindow() throws Exception {
    f =
        GatewayFixture.start(
            GatewayFixture.providers(a, b)
                .replaceFirst("retry: 0", "retry: 0\n    context_window: 8192")
                .replaceFirst(
                    "priority: 2\n    timeout: 5s\n    retry: 0",
                    "priority: 2\n    timeout: 5s\n    retry: 0\n    context_window: 131072"));
    a.always(Script.contextTooLong());

    HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-nxs-attempts").orElseThrow())
        .matches("a=client_error;\\d+ms, b=ok;\\d+ms");
  }

  @Test
  void aContextLength400WithoutALargerWindowIsReturnedAsIs() throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b));
    a.always(Script.contextTooLong());

    HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r.body()).at("/error/code").asText()).isEqualTo("context_length_exceeded");
    assertThat(b.requests()).isEmpty();
  }

  @Test
  void whenEveryProviderFailsTheErrorListsEachAttemptInTheOpenAiShape() throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b));
    a.kill();
    b.always(Script.status(500));

    HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("none");
    assertThat(r.headers().firstValue("x-nxs-attempts").orElseThrow())
        .matches("a=refused;\\d+ms, b=server_error;\\d+ms");
    JsonNode error = json(r.body()).get("error");
    assertThat(error.get("type").asText()).isEqualTo("server_error");
    assertThat(error.get("code").asText()).isEqualTo("all_providers_failed");
    assertThat(error.has("param")).isTrue();
    assertThat(error.get("message").asText())
        .contains("every provider failed for model 'nxs-auto'")
        .containsPattern("a: refused after \\d+ ms")
        .containsPattern("b: server_error \\(HTTP 500\\) after \\d+ ms - upstream b answers 500");
    assertThat(f.events(GatewayEvent.AllFailed.class)).hasSize(1);
  }

  @Test
  void aProviderNameAsModelGoesToThatProviderAlone() throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b));
    b.kill();

    HttpResponse<String> r = f.post("/v1/chat/completions", chat("b"));

    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(a.count("/v1/chat/completions")).isZero();
  }

  @Test
  void aRouteNameUsesItsChainInOrder() throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b) + "routes:\n  coding: [b, a]\n");

    HttpResponse<String> r = f.post("/v1/chat/completions", chat("coding"));

    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("b");
    assertThat(b.requests().getFirst().json().get("model").asText()).isEqualTo("model-b");
  }

  @Test
  void modelsListsAutoTheRoutesAndTheProviders() throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b) + "routes:\n  coding: [b, a]\n");

    HttpResponse<String> r = f.get("/v1/models", f.key);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r.body()).findValuesAsText("id")).containsExactly("auto", "coding", "a", "b");
  }

  @Test
  void fieldsNxsDoesNotUseReachTheUpstreamUnchanged() throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b));
    String body =
        """
        {"model":"nxs-auto","messages":[{"role":"user","content":"weather?"}],
         "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
         "tool_choice":"auto","response_format":{"type":"json_object"},"max_completion_tokens":77,
         "vendor_ext":{"nested":[1,2,{"x":null}]}}
        """;

    f.post("/v1/chat/completions", body);

    JsonNode sent = a.requests().getFirst().json();
    JsonNode original = json(body);
    for (String field :
        new String[] {
          "messages",
          "tools",
          "tool_choice",
          "response_format",
          "max_completion_tokens",
          "vendor_ext"
        }) {
      assertThat(sent.get(field)).as(field).isEqualTo(original.get(field));
    }
    assertThat(sent.get("model").asText()).isEqualTo("model-a");
  }

  @Test
  void completionsAndEmbeddingsFailOverToo() throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b));
    a.always(Script.status(502));

    HttpResponse<String> completion =
        f.post("/v1/completions", "{\"model\":\"x\",\"prompt\":\"Say\"}");
    HttpResponse<String> embedding = f.post("/v1/embeddings", "{\"model\":\"x\",\"input\":\"hi\"}");

    assertThat(completion.statusCode()).isEqualTo(200);
    assertThat(json(completion.body()).at("/choices/0/text").asText())
        .isEqualTo("Hello from upstream");
    assertThat(embedding.statusCode()).isEqualTo(200);
    assertThat(embedding.headers().firstValue("x-nxs-provider")).hasValue("b");
    assertThat(json(embedding.body()).at("/data/0/embedding").size()).isEqualTo(3);
  }

  @Test
  void aBodyThatIsNotJsonIsA400FromNoProviderAndReachesNoUpstream() throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b));

    HttpResponse<String> r = f.post("/v1/chat/completions", "{not json");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("none");
    assertThat(a.requests()).isEmpty();
  }

  @Test
  void aMalformedUpstreamBodyFailsOver() throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b));
    a.always(Script.malformed());

    HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(r.headers().firstValue("x-nxs-attempts").orElseThrow()).startsWith("a=unparseable;");
    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("b");
  }

  @Test
  void residencyRestrictsTheChainAndAnUnservableResidencyIsAClear400() throws Exception {
    String yaml =
        "providers:\n"
            + "  - {name: us-1, base_url: 'http://10.255.255.1:9/v1', region: us, priority: 1}\n"
            + "  - {name: eu-1, base_url: 'https://eu.invalid/v1', region: eu-west, priority: 2}\n";
    f = GatewayFixture.start(yaml);

    HttpResponse<String> r =
        f.post("/v1/chat/completions", chat("nxs-auto"), "x-nxs-residency", "ch");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r.body()).at("/error/code").asText()).isEqualTo("residency_unavailable");
    assertThat(json(r.body()).at("/error/message").asText()).contains("residency 'ch'");
  }
}
