package io.nxs.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.NxsException;
import io.nxs.core.config.ConfigException;
import io.nxs.core.config.ConfigLoader;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.config.NxsConfig;
import io.nxs.testkit.TempHome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The seed's providers.yaml loads as written; bad provider config gives file:line errors. */
class GatewayConfigTest {

  private final TempHome home = TempHome.create();
  private static final Map<String, String> ENV =
      Map.of("KIMI_API_KEY", "sk-kimi-test-000000000000");

  @AfterEach
  void cleanUp() {
    home.close();
  }

  static String seed() throws IOException {
    try (InputStream in = GatewayConfigTest.class.getResourceAsStream("seed-providers.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<ConfigSection<?>> sections() {
    return new GatewayModule().configSections();
  }

  @Test
  void theSeedProvidersFileLoadsVerbatimAsProvidersFile() throws IOException {
    Path file = home.resolve("providers.yaml");
    Files.writeString(file, seed());

    GatewayConfig c = GatewayConfig.load(file, ENV);

    assertThat(c.providers())
        .extracting(ProviderConfig::name)
        .containsExactly("kimi-primary", "lmstudio-local", "ollama-local");
    ProviderConfig kimi = c.providers().getFirst();
    assertThat(kimi.baseUrl()).isEqualTo("https://api.moonshot.cn/v1");
    assertThat(kimi.apiKey()).isEqualTo("sk-kimi-test-000000000000");
    assertThat(kimi.model()).isEqualTo("kimi-k2p5");
    assertThat(kimi.priority()).isEqualTo(1);
    assertThat(kimi.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(kimi.retry()).isEqualTo(2);
    assertThat(kimi.circuitBreaker().failureThreshold()).isEqualTo(3);
    assertThat(kimi.circuitBreaker().timeoutSeconds()).isEqualTo(60);
    assertThat(kimi.local()).isFalse();
    ProviderConfig lmstudio = c.providers().get(1);
    assertThat(lmstudio.autoDetect()).isTrue();
    assertThat(lmstudio.local()).isTrue();
    assertThat(c.providers().get(2).timeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(c.providers().get(2).circuitBreaker().failureThreshold()).isEqualTo(1);
    assertThat(c.failover().mode()).isEqualTo(FailoverConfig.Mode.SEQUENTIAL);
    assertThat(c.failover().maxRetriesPerProvider()).isEqualTo(2);
    assertThat(c.failover().globalTimeout()).isEqualTo(Duration.ofSeconds(300));
  }

  @Test
  void theSeedPastedIntoNxsYamlLoadsToo() throws IOException {
    String yaml = "server:\n  port: 0\n" + seed();
    List<ConfigSection<?>> all = new java.util.ArrayList<>(sections());
    all.add(io.nxs.core.http.ServerConfig.SECTION);

    NxsConfig config = new ConfigLoader(all, ENV).parse(yaml, "nxs.yaml");
    GatewayConfig c = GatewayConfig.from(config, home.path(), ENV);

    assertThat(c.providers()).hasSize(3);
    assertThat(c.providers().get(1).circuitBreaker().timeoutSeconds()).isEqualTo(30);
  }

  @Test
  void providersFileIsResolvedAgainstTheHome() throws IOException {
    Files.writeString(home.resolve("providers.yaml"), seed());
    NxsConfig config =
        new ConfigLoader(sections(), ENV)
            .parse(
                "providers_file: providers.yaml\nroutes:\n  coding: [kimi-primary, ollama-local]\n",
                "nxs.yaml");

    GatewayConfig c = GatewayConfig.from(config, home.path(), ENV);

    assertThat(c.providers()).hasSize(3);
    assertThat(c.routes().chains())
        .containsEntry("coding", List.of("kimi-primary", "ollama-local"));
  }

  @Test
  void anUnsetKeyVariableIsAnErrorNamingTheVariableAndLine() throws IOException {
    Path file = home.resolve("providers.yaml");
    Files.writeString(file, seed());

    assertThatThrownBy(() -> GatewayConfig.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("providers.yaml:5:")
        .hasMessageContaining("KIMI_API_KEY");
  }

  @Test
  void aBadValueInsideAProviderNamesFileLineAndKey() throws IOException {
    Path file = home.resolve("providers.yaml");
    Files.writeString(
        file,
        seed()
            .replace(
                "retry: 1\n    circuit_breaker:\n      failure_threshold: 2",
                "retry: many\n    circuit_breaker:\n      failure_threshold: 2"));

    assertThatThrownBy(() -> GatewayConfig.load(file, ENV))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("providers.yaml:20:12:")
        .hasMessageContaining("providers[1].retry")
        .hasMessageContaining("'many'");
  }

  @Test
  void aBaseUrlThatIsNotHttpIsRefusedWithItsValue() {
    String yaml = "providers:\n  - name: a\n    base_url: ftp://x/v1\n";

    assertThatThrownBy(() -> new ConfigLoader(sections(), ENV).parse(yaml, "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nxs.yaml:2:")
        .hasMessageContaining("ftp://x/v1");
  }

  @Test
  void aMissingBaseUrlIsNamed() {
    String yaml = "providers:\n  - name: a\n    model: m\n";

    assertThatThrownBy(() -> new ConfigLoader(sections(), ENV).parse(yaml, "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("base_url");
  }

  @Test
  void duplicateProviderNamesAreRefused() {
    String yaml =
        "providers:\n  - name: a\n    base_url: http://127.0.0.1:1/v1\n  - name: a\n    base_url: http://127.0.0.1:2/v1\n";

    assertThatThrownBy(() -> new ConfigLoader(sections(), ENV).parse(yaml, "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'a' appears twice");
  }

  @Test
  void anUnknownModeListsTheKnownOnes() {
    String yaml = "failover:\n  mode: random\n";

    assertThatThrownBy(() -> new ConfigLoader(sections(), ENV).parse(yaml, "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nxs.yaml:2:")
        .hasMessageContaining("sequential, parallel or weighted");
  }

  @Test
  void aRouteToAnUnknownProviderIsRefused() {
    String yaml =
        "providers:\n  - name: a\n    base_url: http://127.0.0.1:1/v1\nroutes:\n  coding: [a, b]\n";
    NxsConfig config = new ConfigLoader(sections(), ENV).parse(yaml, "nxs.yaml");

    assertThatThrownBy(() -> GatewayConfig.from(config, home.path(), ENV))
        .isInstanceOf(NxsException.class)
        .hasMessageContaining("routes.coding: unknown provider 'b'");
  }

  @Test
  void providersAndProvidersFileTogetherAreRefused() {
    String yaml =
        "providers_file: p.yaml\nproviders:\n  - name: a\n    base_url: http://127.0.0.1:1/v1\n";
    NxsConfig config = new ConfigLoader(sections(), ENV).parse(yaml, "nxs.yaml");

    assertThatThrownBy(() -> GatewayConfig.from(config, home.path(), ENV))
        .hasMessageContaining("either providers or providers_file");
  }

  @Test
  void optionalKeysOfIssue3Bind() {
    String yaml =
        """
        providers:
          - name: eu-1
            base_url: https://eu.example/v1
            region: EU
            weight: 3
            api_key: old-key-123456
            api_key_next: new-key-123456
            prices: {prompt: 0.5, completion: 1.5}
            connect_timeout: 2s
            first_token_timeout: 10s
            idle_timeout: 5s
        """;

    ProviderConfig p =
        new ConfigLoader(sections(), ENV)
            .parse(yaml, "nxs.yaml")
            .section(ProvidersConfig.SECTION)
            .list()
            .getFirst();

    assertThat(p.region()).isEqualTo("eu");
    assertThat(p.weight()).isEqualTo(3.0);
    assertThat(p.apiKeyNext()).isEqualTo("new-key-123456");
    assertThat(p.prices().cost(1000, 2000)).isEqualTo(3.5);
    assertThat(p.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.firstTokenTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.idleTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(p.toString()).doesNotContain("key-123456");
  }
}
