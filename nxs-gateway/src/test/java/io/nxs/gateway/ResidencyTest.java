package io.nxs.gateway;

import static io.nxs.gateway.GatewayFixture.chat;
import static io.nxs.gateway.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.config.ConfigException;
import io.nxs.core.config.ConfigLoader;
import io.nxs.testkit.upstream.FakeUpstream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * GW10 with a key's default residency ({@code residency.keys}): the fixture's READ key is named
 * {@code agent}, its admin key {@code operator}. A US provider comes first by priority, so any leak
 * would reach it.
 */
class ResidencyTest {

  @AutoClose private final FakeUpstream us = FakeUpstream.start("us");
  @AutoClose private final FakeUpstream eu = FakeUpstream.start("eu");
  @AutoClose private GatewayFixture f;

  private String yaml(String residency) {
    return "providers:\n"
        + "  - {name: us, base_url: '"
        + us.baseUrl()
        + "', model: m, region: us-east, priority: 1, retry: 0}\n"
        + "  - {name: eu, base_url: '"
        + eu.baseUrl()
        + "', model: m, region: eu-west, priority: 2, retry: 0}\n"
        + residency;
  }

  @Test
  void aKeyWithDefaultEuNeverReachesAnotherRegionWithoutTheHeader() throws Exception {
    f = GatewayFixture.start(yaml("residency:\n  keys:\n    agent: eu\n"));

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("eu");
    }
    // Even naming the US provider as the model does not leave the key's residency.
    HttpResponse<String> named = f.post("/v1/chat/completions", chat("us"));
    assertThat(named.statusCode()).isEqualTo(400);
    assertThat(json(named.body()).at("/error/code").asText()).isEqualTo("residency_unavailable");
    assertThat(us.count("/v1/chat/completions")).isZero();
  }

  @Test
  void theHeaderMayNarrowTheKeysDefaultButNotLeaveIt() throws Exception {
    f = GatewayFixture.start(yaml("residency:\n  keys:\n    agent: eu\n"));

    HttpResponse<String> narrower =
        f.post("/v1/chat/completions", chat("nxs-auto"), "x-nxs-residency", "eu-west");
    assertThat(narrower.statusCode()).isEqualTo(200);
    assertThat(narrower.headers().firstValue("x-nxs-provider")).hasValue("eu");

    HttpResponse<String> wider =
        f.post("/v1/chat/completions", chat("nxs-auto"), "x-nxs-residency", "us");
    assertThat(wider.statusCode()).isEqualTo(403);
    assertThat(json(wider.body()).at("/error/code").asText()).isEqualTo("residency_not_allowed");
    assertThat(json(wider.body()).at("/error/message").asText()).contains("'eu'");
    assertThat(us.count("/v1/chat/completions")).isZero();
  }

  @Test
  void aKeyWithoutADefaultIsFreeAndAnIdEntryWinsOverTheName() throws Exception {
    f = GatewayFixture.start(yaml("residency:\n  keys:\n    agent: eu\n"));

    HttpResponse<String> admin = f.postAdmin("/v1/chat/completions", chat("nxs-auto"));
    assertThat(admin.statusCode()).isEqualTo(200);
    assertThat(admin.headers().firstValue("x-nxs-provider")).hasValue("us");

    ResidencyConfig config = new ResidencyConfig(Map.of("agent", "eu", "k_1", "us"));
    assertThat(config.defaultFor("k_1", "agent")).isEqualTo("us");
    assertThat(config.defaultFor("k_2", "agent")).isEqualTo("eu");
    assertThat(config.defaultFor("k_2", "other")).isNull();
  }

  @Test
  void aBadResidencyTagIsAConfigErrorWithItsLine() {
    assertThatThrownBy(
            () ->
                new ConfigLoader(List.of(ResidencyConfig.SECTION), Map.of())
                    .parse("residency:\n  keys:\n    agent: 'EU WEST'\n", "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nxs.yaml:")
        .hasMessageContaining("keys.agent")
        .hasMessageContaining("not a region tag");
  }
}
