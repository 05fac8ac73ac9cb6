package io.nxs.doctor.openclaw;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.ext.HealingAction;
import io.nxs.core.ext.PrimaryGuard;
import io.nxs.core.openclaw.OpenClaw;
import io.nxs.core.openclaw.OpenClawConfig;
import io.nxs.core.state.StateStore;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What keeps the gateway's supervisor from starting it, so that the ladder escalates instead of
 * looping: a port held by something that is not a healthy gateway, another restart authority, a
 * primary guard's refusal, a hold through its ServiceControl. None of these starts a process.
 */
class GatewaySupervisorTest {

  @TempDir Path dir;
  private StateStore store;

  @BeforeEach
  void doctorTables() {
    store = StateStore.open(dir.resolve("state.db"));
    store.migrate("doctor");
  }

  private GatewaySupervisor supervisor(int port, RestartAuthority authority, PrimaryGuard guard) {
    OpenClaw openclaw =
        OpenClaw.of(
            new OpenClawConfig(
                dir.resolve("claw"),
                List.of("openclaw-must-not-run"),
                URI.create("http://127.0.0.1:" + port)),
            Map.of());
    return new GatewaySupervisor(
        openclaw,
        "openclaw-gateway",
        dir.resolve("gateway.log"),
        authority,
        () -> guard == null ? List.of() : List.of(guard),
        Duration.ofSeconds(5),
        new ServiceHold(store, Clock.systemUTC(), "openclaw-gateway"));
  }

  private static RestartAuthority nobodyElse() {
    return new RestartAuthority(Map.of(), unit -> Map.of());
  }

  @Test
  void aPortHeldBySomethingElseIsEscalatedNotFoughtOver() throws Exception {
    try (ServerSocket squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      GatewaySupervisor s = supervisor(squatter.getLocalPort(), nobodyElse(), null);

      HealingAction.Outcome o = s.execute("openclaw-gateway", false);

      assertThat(o.success()).isFalse();
      assertThat(o.detail())
          .startsWith("port " + squatter.getLocalPort() + " is in use by something that is not");
      assertThat(s.launches()).isZero();
    }
  }

  @Test
  void systemdsUnitIsTheRestartAuthority() {
    GatewaySupervisor s =
        supervisor(
            9,
            new RestartAuthority(
                Map.of(), unit -> Map.of("LoadState", "loaded", "ActiveState", "activating")),
            null);

    HealingAction.Outcome o = s.execute("openclaw-gateway", false);

    assertThat(o)
        .isEqualTo(
            new HealingAction.Outcome(
                false,
                "OpenClaw's gateway is restarted by systemd (openclaw-gateway.service is"
                    + " activating): NXS does not restart it"));
    assertThat(s.launches()).isZero();
  }

  @Test
  void aPrimaryGuardAndAHoldKeepItStopped() {
    PrimaryGuard fence =
        new PrimaryGuard() {
          @Override
          public String name() {
            return "session.fence";
          }

          @Override
          public Optional<String> refusal() {
            return Optional.of("fenced after migration M3 to https://b:8787");
          }
        };
    GatewaySupervisor guarded = supervisor(9, nobodyElse(), fence);
    assertThat(guarded.execute("openclaw-gateway", false).detail())
        .isEqualTo("not starting OpenClaw's gateway: fenced after migration M3 to https://b:8787");

    GatewaySupervisor held = supervisor(9, nobodyElse(), null);
    held.control().stop("maintenance");
    assertThat(held.execute("openclaw-gateway", false).detail())
        .isEqualTo("OpenClaw's gateway is held stopped: maintenance");
    assertThat(held.launches()).isZero();
    assertThat(held.appliesTo("openclaw-gateway")).isTrue();
    assertThat(held.appliesTo("api")).isFalse();
  }

  @Test
  void aHoldOutlivesARestartOfTheDaemonUntilTheGatewayIsStartedThroughItsControl() {
    supervisor(9, nobodyElse(), null).control().stop("sessions migrated to https://b:8787");

    GatewaySupervisor afterRestart = supervisor(9, nobodyElse(), null);

    assertThat(afterRestart.held()).contains("sessions migrated to https://b:8787");
    assertThat(afterRestart.execute("openclaw-gateway", false).detail())
        .isEqualTo("OpenClaw's gateway is held stopped: sessions migrated to https://b:8787");
    assertThat(afterRestart.launches()).isZero();

    // Started through its control: the hold is gone, for this and any later daemon. (Nothing
    // listens on port 9 here, so the start itself fails: the command does not exist.)
    afterRestart.control().start("operator takes the agent back");
    assertThat(afterRestart.held()).isEmpty();
    assertThat(supervisor(9, nobodyElse(), null).held()).isEmpty();
  }
}
