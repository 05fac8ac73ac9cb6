package io.nxs.core.openclaw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.config.ConfigException;
import io.nxs.core.config.ConfigLoader;
import io.nxs.core.config.NxsConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenClawConfigTest {

  private final ConfigLoader loader =
      new ConfigLoader(List.of(OpenClawConfig.SECTION), Map.of("CLAW", "/srv/claw"));

  private OpenClawConfig parse(String yaml) {
    NxsConfig config = loader.parse(yaml, "nxs.yaml");
    return config.section(OpenClawConfig.SECTION);
  }

  @Test
  void anAbsentSectionGivesOpenClawsOwnDefaults() {
    OpenClawConfig c = parse("");

    assertThat(c.home()).isEqualTo(Path.of(System.getProperty("user.home"), ".openclaw"));
    assertThat(c.command()).containsExactly("openclaw");
    assertThat(c.gatewayUrl()).isEqualTo(URI.create("http://127.0.0.1:18789"));
    assertThat(c).isEqualTo(OpenClawConfig.defaults());
  }

  @Test
  void tildeIsTheUsersHomeAndEnvironmentVariablesExpand() {
    assertThat(parse("openclaw:\n  home: ~/agents/claw\n").home())
        .isEqualTo(Path.of(System.getProperty("user.home"), "agents", "claw"));
    assertThat(parse("openclaw:\n  home: ${CLAW}/state/../home\n").home())
        .isEqualTo(Path.of("/srv/claw/home"));
  }

  @Test
  void aCommandIsOneWordAPathSeveralWordsOrAList() {
    assertThat(parse("openclaw:\n  command: /opt/bin/openclaw\n").command())
        .containsExactly("/opt/bin/openclaw");
    assertThat(parse("openclaw:\n  command: \"  node   /opt/oc/openclaw.mjs \"\n").command())
        .containsExactly("node", "/opt/oc/openclaw.mjs");
    assertThat(
            parse("openclaw:\n  command: [/opt/my tools/node, /opt/oc/openclaw.mjs]\n").command())
        .containsExactly("/opt/my tools/node", "/opt/oc/openclaw.mjs");
  }

  @Test
  void theGatewayUrlKeepsOnlySchemeHostAndPort() {
    assertThat(parse("openclaw:\n  gateway_url: http://10.0.0.5:18800/\n").gatewayUrl())
        .isEqualTo(URI.create("http://10.0.0.5:18800"));
  }

  @Test
  void badValuesFailWithTheKeyTheValueAndTheLine() {
    assertThatThrownBy(() -> parse("# agent\nopenclaw:\n  home: relative/dir\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nxs.yaml:2:")
        .hasMessageContaining("home must be an absolute path or start with ~/")
        .hasMessageContaining("relative/dir");
    assertThatThrownBy(() -> parse("openclaw:\n  gateway_url: ws://127.0.0.1:18789\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gateway_url must be an http(s) URL");
    assertThatThrownBy(() -> parse("openclaw:\n  gateway_url: http://127.0.0.1:18789/readyz\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("without path");
    assertThatThrownBy(() -> parse("openclaw:\n  command: \"  \"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("command must name the openclaw CLI");
    assertThatThrownBy(() -> parse("openclaw:\n  command: {a: b}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("command must be a string or a list of strings");
    assertThatThrownBy(() -> parse("openclaw:\n  homee: /x\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("homee");
  }
}
