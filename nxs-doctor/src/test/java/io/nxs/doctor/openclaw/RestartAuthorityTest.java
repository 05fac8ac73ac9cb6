package io.nxs.doctor.openclaw;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** One restart authority: what {@code systemctl --user show openclaw-gateway.service} says. */
class RestartAuthorityTest {

  private static RestartAuthority.Finding judge(String show) {
    return RestartAuthority.judge(RestartAuthority.parse(show));
  }

  @Test
  void withoutTheUnitTheDoctorRestartsTheGateway() {
    assertThat(judge("LoadState=not-found\nActiveState=inactive\nSubState=dead\nResult=success\n"))
        .isInstanceOf(RestartAuthority.Ours.class);
    assertThat(RestartAuthority.judge(Map.of())).isInstanceOf(RestartAuthority.Ours.class);
  }

  @Test
  void aRunningOrRestartingUnitIsSystemdsToRestart() {
    assertThat(
            judge(
                "LoadState=loaded\nActiveState=activating\nSubState=auto-restart\n"
                    + "Result=exit-code\nNRestarts=2\nExecMainStatus=1\n"))
        .isEqualTo(new RestartAuthority.Theirs("systemd (openclaw-gateway.service is activating)"));
  }

  @Test
  void aUnitSystemdGaveUpOnIsEscalatedNotRestarted() {
    RestartAuthority.Finding f =
        judge(
            "LoadState=loaded\nActiveState=failed\nSubState=failed\nResult=start-limit-hit\n"
                + "NRestarts=5\nExecMainStatus=1\n");

    assertThat(f).isInstanceOf(RestartAuthority.GaveUp.class);
    assertThat(RestartAuthority.refusal(f))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith("systemd gave up on openclaw-gateway.service")
                    .contains("after 5 restarts")
                    .contains("systemctl --user reset-failed openclaw-gateway.service"));
  }

  @Test
  void anExternalSupervisorModeIsNotOurs() {
    RestartAuthority authority =
        new RestartAuthority(Map.of("OPENCLAW_SUPERVISOR_MODE", "external"), unit -> Map.of());
    assertThat(RestartAuthority.refusal(authority.find()))
        .hasValue(
            "OpenClaw's gateway is restarted by an external supervisor"
                + " (OPENCLAW_SUPERVISOR_MODE=external): NXS does not restart it");
  }
}
