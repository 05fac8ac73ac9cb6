package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.config.ConfigException;
import io.nxs.core.config.NxsConfig;
import io.nxs.core.openclaw.OpenClaw;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The daemon's loader knows the top-level {@code openclaw:} section; modules read it via the port.
 */
class OpenClawSectionTest {

  private NxsConfig parse(String yaml) {
    return Modules.loader(Modules.create(), Map.of()).parse(yaml, "nxs.yaml");
  }

  @Test
  void theShippedDefaultsResolveToOpenClawsOwnLayout() {
    NxsConfig config = parse(new String(NxsHome.defaultConfig(), StandardCharsets.UTF_8));

    OpenClaw openclaw = OpenClaw.from(config);

    Path home = Path.of(System.getProperty("user.home"), ".openclaw");
    assertThat(openclaw.layout().configFile()).isEqualTo(home.resolve("openclaw.json"));
    assertThat(openclaw.cli().command()).containsExactly("openclaw");
    assertThat(openclaw.readyUrl()).isEqualTo(URI.create("http://127.0.0.1:18789/readyz"));
    assertThat(openclaw.cli().environment()).doesNotContainKey("OPENCLAW_STATE_DIR");
  }

  @Test
  void aConfiguredHomeAndCommandReachEveryPartOfThePort() {
    OpenClaw openclaw =
        OpenClaw.from(
            parse(
                "openclaw:\n  home: /srv/claw\n  command: node /opt/oc/openclaw.mjs\n"
                    + "  gateway_url: http://127.0.0.1:18800\n"));

    assertThat(openclaw.layout().agentDatabase("main"))
        .isEqualTo(Path.of("/srv/claw/agents/main/agent/openclaw-agent.sqlite"));
    assertThat(openclaw.cli().argv(java.util.List.of("sessions", "list")))
        .containsExactly("node", "/opt/oc/openclaw.mjs", "sessions", "list");
    assertThat(openclaw.cli().environment()).containsEntry("OPENCLAW_STATE_DIR", "/srv/claw");
    assertThat(openclaw.healthUrl()).isEqualTo(URI.create("http://127.0.0.1:18800/healthz"));
  }

  @Test
  void aBadValueIsAConfigErrorWithItsLine() {
    assertThatThrownBy(() -> parse("server: {}\nopenclaw:\n  gateway_url: 18789\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("nxs.yaml:2:")
        .hasMessageContaining("gateway_url");
  }
}
