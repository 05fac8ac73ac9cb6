package io.nxs.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.http.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  /** A section with a required key, a list of records, a duration and a size. */
  record Upstream(String name, String baseUrl, Duration timeout, ByteSize maxBody) {
    @JsonCreator
    Upstream(
        @JsonProperty(value = "name", required = true) String name,
        @JsonProperty("base_url") String baseUrl,
        @JsonProperty("timeout") Duration timeout,
        @JsonProperty("max_body") ByteSize maxBody,
        @JsonProperty("unused") Void unused) {
      this(name, baseUrl, timeout == null ? Duration.ofSeconds(30) : timeout, maxBody);
    }
  }

  record Upstreams(List<Upstream> upstreams) {
    @JsonCreator
    Upstreams(@JsonProperty("upstreams") List<Upstream> upstreams, @JsonProperty("x") Void x) {
      this(upstreams == null ? List.of() : List.copyOf(upstreams));
    }
  }

  static final ConfigSection<Upstreams> UPSTREAMS = ConfigSection.of("gateway", Upstreams.class);

  private final ConfigLoader loader =
      new ConfigLoader(
          List.of(ServerConfig.SECTION, UPSTREAMS),
          Map.of("PORT", "9999", "TOKEN", "s3cr3t-value"));

  @Test
  void emptyFileGivesEveryDefault() {
    NxsConfig config = loader.parse("", "nxs.yaml");

    ServerConfig server = config.section(ServerConfig.SECTION);
    assertThat(server.host()).isEqualTo("127.0.0.1");
    assertThat(server.port()).isEqualTo(8787);
    assertThat(config.section(UPSTREAMS).upstreams()).isEmpty();
  }

  @Test
  void aLeftOutSectionIsItsDefaultsAndAWrittenOneIsBound() {
    Upstreams preset = new Upstreams(List.of(new Upstream("preset", null, Duration.ZERO, null)));
    ConfigSection<Upstreams> section = ConfigSection.of("gateway", Upstreams.class, () -> preset);
    ConfigLoader withDefaults = new ConfigLoader(List.of(section), Map.of());

    assertThat(withDefaults.parse("", "nxs.yaml").section(section)).isSameAs(preset);
    assertThat(withDefaults.parse("gateway: {}\n", "nxs.yaml").section(section).upstreams())
        .isEmpty();
    assertThat(
            withDefaults
                .parse("gateway:\n  upstreams:\n    - name: a\n", "nxs.yaml")
                .section(section)
                .upstreams())
        .extracting(Upstream::name)
        .containsExactly("a");
  }

  @Test
  void expandsEnvironmentVariablesIncludingIntoNumbers() {
    NxsConfig config =
        loader.parse(
            """
            server:
              port: ${PORT}
              host: ${HOST:-0.0.0.0}
            gateway:
              upstreams:
                - name: "a-${TOKEN}"
                  timeout: 5m
                  max_body: 512MB
            """,
            "nxs.yaml");

    assertThat(config.section(ServerConfig.SECTION).port()).isEqualTo(9999);
    assertThat(config.section(ServerConfig.SECTION).host()).isEqualTo("0.0.0.0");
    Upstream up = config.section(UPSTREAMS).upstreams().getFirst();
    assertThat(up.name()).isEqualTo("a-s3cr3t-value");
    assertThat(up.timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(up.maxBody().bytes()).isEqualTo(512_000_000L);
  }

  @Test
  void commentedReferenceToUnsetVariableIsIgnored() {
    NxsConfig config = loader.parse("server:\n  # api_key: ${NOT_SET}\n  port: 1\n", "nxs.yaml");

    assertThat(config.section(ServerConfig.SECTION).port()).isEqualTo(1);
  }

  @Test
  void unsetVariableWithoutDefaultNamesVariableAndPosition() {
    assertThatThrownBy(() -> loader.parse("server:\n  host: ${NOT_SET}\n", "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "nxs.yaml:2:9: server.host: environment variable NOT_SET is not set: export it, or"
                + " write ${NOT_SET:-default}");
  }

  @Test
  void unknownKeyNamesFileLineColumnAndKnownKeys() {
    assertThatThrownBy(() -> loader.parse("server:\n  port: 1\n  hots: x\n", "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e -> {
              ConfigException ce = (ConfigException) e;
              assertThat(ce.line()).isEqualTo(3);
              assertThat(ce.column()).isEqualTo(3);
              assertThat(ce.key()).isEqualTo("server.hots");
            })
        .hasMessageContaining("unknown key (known: host, port, shutdown_grace, tls)");
  }

  @Test
  void unknownTopLevelSectionIsAnError() {
    assertThatThrownBy(() -> loader.parse("servre:\n  port: 1\n", "nxs.yaml"))
        .hasMessage("nxs.yaml:1:1: servre: unknown key (known: gateway, server)");
  }

  @Test
  void aLoaderForSomeSectionsPassesOverTheOthersUnread() {
    ConfigLoader serverOnly = ConfigLoader.only(List.of(ServerConfig.SECTION), Map.of());
    String text =
        """
        gateway:
          upstreams:
            - name: a
              api_key: ${UNSET_KEY}
              nonsense: [1, {deep: true}]
        server:
          port: 8800
        doctor: {rules: []}
        """;

    assertThat(serverOnly.parse(text, "nxs.yaml").section(ServerConfig.SECTION).port())
        .isEqualTo(8800);
    assertThatThrownBy(() -> serverOnly.parse("server:\n  port: eighty\n", "nxs.yaml"))
        .hasMessageStartingWith("nxs.yaml:2:9: server.port: ");
  }

  @Test
  void wrongTypeQuotesTheValue() {
    assertThatThrownBy(() -> loader.parse("server:\n  port: eighty\n", "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("nxs.yaml:2:9: server.port: ")
        .hasMessageContaining("'eighty'");
  }

  @Test
  void badDurationQuotesTheValue() {
    String yaml = "gateway:\n  upstreams:\n    - name: a\n      timeout: soon\n";

    assertThatThrownBy(() -> loader.parse(yaml, "nxs.yaml"))
        .hasMessage(
            "nxs.yaml:4:16: gateway.upstreams[0].timeout: expected a duration such as 500ms, 60s,"
                + " 5m, 24h or 7d, but was 'soon'");
  }

  @Test
  void missingRequiredKeyIsNamed() {
    String yaml = "gateway:\n  upstreams:\n    - base_url: http://x\n";

    assertThatThrownBy(() -> loader.parse(yaml, "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gateway.upstreams[0]")
        .hasMessageContaining("missing required key 'name'")
        .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(3));
  }

  @Test
  void valueRejectedByTheRecordIsLocated() {
    assertThatThrownBy(() -> loader.parse("server:\n  port: 70000\n", "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nxs.yaml:")
        .hasMessageContaining("port must be in [0, 65535], but was 70000");
  }

  @Test
  void invalidYamlIsLocated() {
    assertThatThrownBy(() -> loader.parse("server:\n\tport: 1\n", "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("nxs.yaml:")
        .hasMessageContaining("invalid YAML");
  }

  @Test
  void duplicateSectionIsAnError() {
    assertThatThrownBy(() -> loader.parse("server: {}\nserver: {}\n", "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server");
  }

  @Test
  void missingFileIsAOneLineError(@TempDir Path dir) {
    assertThatThrownBy(() -> loader.load(dir.resolve("absent.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("absent.yaml: file not found");
  }

  @Test
  void loadsFromFileReportingItsName(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("custom.yaml");
    Files.writeString(file, "server:\n  port: nope\n");

    assertThatThrownBy(() -> loader.load(file)).hasMessageStartingWith("custom.yaml:2:9:");
  }
}
