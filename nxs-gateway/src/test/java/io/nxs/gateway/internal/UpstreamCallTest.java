package io.nxs.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import io.nxs.core.http.ApiException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the gateway reads from a client's body, and the body each provider receives. */
class UpstreamCallTest {

  private static UpstreamCall parse(String json) {
    return UpstreamCall.parse("/chat/completions", json.getBytes(StandardCharsets.UTF_8));
  }

  private static String forProvider(UpstreamCall call, String model) {
    return new String(call.bodyFor(model), StandardCharsets.UTF_8);
  }

  @Test
  void theModelIsReplacedInPlaceAndEveryOtherByteKept() {
    String body =
        "{ \"messages\" : [{\"role\":\"user\",\"content\":\"h\\u00e9 \\\"model\\\": x\"}],"
            + "\"model\" :\"nxs-auto\", \"tools\":[{\"type\":\"function\"}], \"x_vendor\": 1.50}";

    UpstreamCall call = parse(body);

    assertThat(call.model()).isEqualTo("nxs-auto");
    assertThat(call.stream()).isFalse();
    assertThat(forProvider(call, "kimi-k2p5"))
        .isEqualTo(body.replace("\"nxs-auto\"", "\"kimi-k2p5\""));
  }

  @Test
  void aProviderModelIsWrittenAsAJsonString() throws Exception {
    UpstreamCall call = parse("{\"model\":\"a\",\"messages\":[]}");

    JsonNode sent = Json.mapper().readTree(call.bodyFor("org/model \"q\" é"));

    assertThat(sent.get("model").asText()).isEqualTo("org/model \"q\" é");
  }

  @Test
  void aStreamThatDidNotAskForUsageGetsItAndKeepsItsOtherOptions() throws Exception {
    UpstreamCall call =
        parse("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"x\":1},\"messages\":[]}");

    JsonNode sent = Json.mapper().readTree(call.bodyFor("p"));

    assertThat(call.stream()).isTrue();
    assertThat(call.clientWantsUsage()).isFalse();
    assertThat(sent.get("model").asText()).isEqualTo("p");
    assertThat(sent.at("/stream_options/include_usage").asBoolean()).isTrue();
    assertThat(sent.at("/stream_options/x").asInt()).isEqualTo(1);
  }

  @Test
  void aStreamThatAskedForUsageIsSplicedToo() {
    UpstreamCall call =
        parse(
            "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[]}");

    assertThat(call.clientWantsUsage()).isTrue();
    assertThat(forProvider(call, "p"))
        .isEqualTo(
            "{\"model\":\"p\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[]}");
  }

  @Test
  void aBodyWithoutAModelStringGetsOne() throws Exception {
    assertThat(
            Json.mapper().readTree(parse("{\"messages\":[]}").bodyFor("p")).get("model").asText())
        .isEqualTo("p");
    assertThat(Json.mapper().readTree(parse("{\"model\":7}").bodyFor("p")).get("model").asText())
        .isEqualTo("p");
    assertThat(parse("{\"model\":7}").model()).isEmpty();
  }

  @Test
  void aModelNamedTwiceIsRebuiltWithOneModel() throws Exception {
    UpstreamCall call = parse("{\"model\":\"a\",\"model\":\"b\"}");

    String sent = forProvider(call, "p");

    assertThat(sent).isEqualTo("{\"model\":\"p\"}");
  }

  @Test
  void malformedBodiesAreRefusedWithA400() {
    for (String bad : new String[] {"", "[1]", "\"x\"", "{\"model\":", "{\"a\":1,}", "nope"}) {
      assertThatThrownBy(() -> parse(bad))
          .as(bad)
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
  }
}
