package io.nxs.doctor.openclaw;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.openclaw.OpenClaw;
import io.nxs.core.openclaw.OpenClawConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** doctor.openclaw's old keys keep working over the core openclaw: section, with a warning. */
class DeprecatedTest {

  private final OpenClaw core =
      OpenClaw.of(
          new OpenClawConfig(
              Path.of("/srv/claw"), List.of("openclaw"), URI.create("http://127.0.0.1:18789")),
          Map.of());

  @Test
  void theOldReadyUrlAndCommandStillPointTheDoctorAtTheGateway() {
    io.nxs.doctor.config.OpenClawConfig old =
        new io.nxs.doctor.config.OpenClawConfig(
            true, null, "http://127.0.0.1:19999/readyz", "/opt/node /opt/openclaw.mjs");

    OpenClaw port = Deprecated.apply(old, core);

    assertThat(port.healthUrl()).hasToString("http://127.0.0.1:19999/healthz");
    assertThat(port.config().command()).containsExactly("/opt/node", "/opt/openclaw.mjs");
    assertThat(port.layout().home()).isEqualTo(Path.of("/srv/claw"));
    assertThat(old.deprecations())
        .containsExactly(
            "doctor.openclaw.ready_url is deprecated: set openclaw.gateway_url (the gateway's base"
                + " URL, e.g. http://127.0.0.1:18789) instead",
            "doctor.openclaw.command is deprecated: set openclaw.command instead");
  }

  @Test
  void withoutOldKeysTheCoreSectionIsUsedAsIs() {
    io.nxs.doctor.config.OpenClawConfig current =
        new io.nxs.doctor.config.OpenClawConfig(true, null, null, null);

    assertThat(Deprecated.apply(current, core)).isSameAs(core);
    assertThat(current.deprecations()).isEmpty();
  }
}
