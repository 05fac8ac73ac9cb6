package io.nxs.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.nxs.testkit.upstream.FakeUpstream;
import io.nxs.testkit.upstream.Script;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK pointed at NXS, with the first of two upstreams failing. */
class OpenAiSdkTest {

  private final FakeUpstream broken = FakeUpstream.start("broken");
  private final FakeUpstream good = FakeUpstream.start("good");
  private GatewayFixture f;
  private OpenAIClient client;

  @BeforeEach
  void start() {
    broken.always(Script.status(503));
    f = GatewayFixture.start(GatewayFixture.providers(broken, good));
    client = OpenAIOkHttpClient.builder().baseUrl(f.url("/v1")).apiKey(f.key).maxRetries(0).build();
  }

  @AfterEach
  void stop() {
    client.close();
    f.close();
    broken.close();
    good.close();
  }

  /**
   * The first chat completion the upstream received: on a slow machine the gateway's periodic probe
   * ({@code GET /v1/models}) may reach it first.
   */
  private static FakeUpstream.Received chatRequest(FakeUpstream upstream) {
    return upstream.requests().stream()
        .filter(r -> r.path().equals("/v1/chat/completions"))
        .findFirst()
        .orElseThrow();
  }

  private static ChatCompletionCreateParams params() {
    return ChatCompletionCreateParams.builder()
        .model("nxs-auto")
        .addUserMessage("Say hello")
        .maxCompletionTokens(32)
        .build();
  }

  @Test
  void aPlainCompletionComesFromTheWorkingProvider() {
    ChatCompletion completion = client.chat().completions().create(params());

    assertThat(completion.choices().getFirst().message().content()).hasValue("Hello from upstream");
    assertThat(completion.model()).isEqualTo("model-good");
    assertThat(broken.count("/v1/chat/completions")).isEqualTo(1);
    assertThat(chatRequest(good).json().get("max_completion_tokens").asInt()).isEqualTo(32);
  }

  @Test
  void aStreamedCompletionComesFromTheWorkingProviderAndEndsCleanly() {
    List<String> pieces = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(params())) {
      stream.stream()
          .forEach(
              chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(pieces::add)));
    }

    assertThat(String.join("", pieces)).isEqualTo("Hello from upstream");
    assertThat(chatRequest(good).json().get("stream").asBoolean()).isTrue();
  }
}
