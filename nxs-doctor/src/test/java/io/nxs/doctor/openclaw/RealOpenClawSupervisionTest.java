package io.nxs.doctor.openclaw;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.ext.ServiceControl;
import io.nxs.core.openclaw.OpenClaw;
import io.nxs.doctor.DoctorFixture;
import io.nxs.doctor.alert.Alert;
import io.nxs.doctor.collect.OpenClawCollector;
import io.nxs.doctor.config.DoctorConfig;
import io.nxs.doctor.config.HealingConfig;
import io.nxs.doctor.config.OpenClawConfig;
import io.nxs.doctor.heal.HealingRecord;
import io.nxs.testkit.openclaw.OpenClawGateway;
import io.nxs.testkit.openclaw.OpenClawHome;
import io.nxs.testkit.openclaw.OpenClawInstall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Doctor supervises the real OpenClaw 2026.9.6 gateway (SPEC DR9): its probes speak HTTP/1.1
 * (the gateway answers an h2c upgrade with 400), a killed gateway is started again and verified
 * healthy, a configuration error goes to {@code openclaw doctor --fix} once instead of a restart
 * loop, and {@code openclaw doctor --lint --json} findings become alerts. Slow: a gateway start
 * takes 40-150 s on a busy 2-core machine.
 */
class RealOpenClawSupervisionTest {

  private static final Duration TEN_S = Duration.ofSeconds(10);
  private static final Map<String, String> GATEWAY = Map.of("service", OpenClawCollector.SERVICE);

  @TempDir Path dir;
  private OpenClawHome claw;
  private OpenClawGateway gateway;
  private DoctorFixture fx;

  @BeforeEach
  void home() {
    OpenClawInstall install = OpenClawInstall.assumeInstalled();
    claw =
        OpenClawHome.create(
            install, dir, OpenClawHome.Provider.of("http://127.0.0.1:9/v1", "sk-test-unused"));
  }

  @AfterEach
  void stop() {
    if (fx != null) {
      fx.doctor.openclawSupervisor().ifPresent(s -> s.control().stop("test over"));
      fx.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  /** A Doctor supervising the gateway at {@code url} with the real CLI of the test's home. */
  private DoctorFixture doctor(java.net.URI url) {
    return doctor(url, false);
  }

  private DoctorFixture doctor(java.net.URI url, boolean dryRun) {
    DoctorConfig config = config(dryRun);
    DoctorFixture f = new DoctorFixture(config);
    f.openclaw =
        new OpenClaw(
            new io.nxs.core.openclaw.OpenClawConfig(
                claw.layout().home(), claw.install().command(), url),
            claw.layout(),
            claw.cli());
    f.doctor.close();
    f.doctor = f.build(config);
    return f;
  }

  private static DoctorConfig config(boolean dryRun) {
    HealingConfig healing =
        new HealingConfig(dryRun, null, null, Duration.ofMinutes(5), null, null, List.of());
    return new DoctorConfig(
        null,
        TEN_S,
        null,
        null,
        null,
        new OpenClawConfig(true, OpenClawHome.GATEWAY_START_TIMEOUT, null, null),
        null,
        healing,
        null,
        null,
        null);
  }

  /**
   * Ticks until the probe sees the gateway up, at most {@link #PATIENCE} ticks: right after a start
   * the real gateway's one event loop can stall past the probe's 5 s timeout on a loaded machine. A
   * probe that never succeeds (an h2c upgrade answered 400) is never up.
   */
  private static boolean tickUntilUp(DoctorFixture f) {
    for (int i = 0; i < PATIENCE; i++) {
      f.tick(TEN_S);
      if (up(f) == 1.0) {
        return true;
      }
    }
    return false;
  }

  private static final int PATIENCE = 6;

  private static double up(DoctorFixture f) {
    return f.doctor.samples().latest("service.up", GATEWAY);
  }

  private static GatewaySupervisor supervisor(DoctorFixture f) {
    return f.doctor.openclawSupervisor().orElseThrow();
  }

  @Test
  void aKilledGatewayIsStartedAgainAndVerifiedHealthy() {
    gateway = claw.startGateway();
    fx = doctor(gateway.url());
    assertThat(tickUntilUp(fx)).as("the HTTP/1.1 probe sees the real gateway up").isTrue();

    gateway.kill();
    fx.run(Duration.ofSeconds(30), TEN_S); // three failed probes: service-down, level 2 starts it
    // the probe sees it up: the alert resolves and the attempt is verified
    assertThat(tickUntilUp(fx)).isTrue();

    assertThat(supervisor(fx).launches()).isEqualTo(1);
    assertThat(supervisor(fx).healthy()).isTrue();
    assertThat(up(fx)).isEqualTo(1.0);
    assertThat(fx.doctor.alerts().openByKey(Alert.key("service-down", GATEWAY))).isEmpty();
    assertThat(fx.doctor.healingLog(10))
        .filteredOn(r -> r.action().equals(GatewaySupervisor.NAME))
        .singleElement()
        .satisfies(r -> assertThat(r.state()).isEqualTo(HealingRecord.State.SUCCEEDED));
  }

  @Test
  void aConfigErrorGoesToOpenclawDoctorFixOnceNotIntoARestartLoop() {
    gateway = claw.startGateway();
    fx = doctor(gateway.url());
    fx.tick(TEN_S);
    claw.writeRawConfig("{ \"gateway\": { \"mode\": \"local\", "); // clobbered: not JSON5
    gateway.kill();

    fx.run(
        Duration.ofSeconds(30), TEN_S); // down: started, exit 78, doctor --fix, started once more
    int afterLadder = supervisor(fx).launches();
    fx.run(Duration.ofMinutes(5), TEN_S); // whatever came of it, nothing starts it again

    assertThat(afterLadder)
        .as("one start, and one more after 'openclaw doctor --fix'")
        .isEqualTo(2);
    assertThat(supervisor(fx).launches()).isEqualTo(afterLadder);
    HealingRecord attempt =
        fx.doctor.healingLog(20).stream()
            .filter(r -> r.action().equals(GatewaySupervisor.NAME))
            .findFirst()
            .orElseThrow();
    if (supervisor(fx).healthy()) {
      // 'openclaw doctor --fix' repaired the file (from its .bak ring): healed
      assertThat(attempt.state()).isEqualTo(HealingRecord.State.SUCCEEDED);
    } else {
      assertThat(attempt.state()).isEqualTo(HealingRecord.State.FAILED);
      assertThat(attempt.detail()).contains("configuration is broken (exit 78)");
      assertThat(fx.audited("healing.exhausted")).hasSize(1);
    }
  }

  @Test
  void lintFindingsOfOpenclawDoctorBecomeAlerts() {
    fx = doctor(java.net.URI.create("http://127.0.0.1:9"), true); // nothing runs there: no restart
    fx.tick(TEN_S); // runs 'openclaw doctor --lint --json' (about a minute)
    fx.run(Duration.ofSeconds(70), TEN_S); // the rule's 1 minute

    assertThat(fx.doctor.alerts().open())
        .filteredOn(a -> a.ruleId().equals("openclaw-component-failing"))
        .isNotEmpty()
        .allSatisfy(a -> assertThat(a.labels()).containsKey("check"));
  }

  @Test
  void aHeldStoppedGatewayIsNotRestartedNotEvenByTheNextDaemon() throws Exception {
    // Nothing listens there: without the hold, the Doctor would start a real gateway on it.
    fx = doctor(java.net.URI.create("http://127.0.0.1:" + freePort()));
    ServiceControl control = supervisor(fx).control();

    control.stop("session migrated to another instance");
    fx.run(Duration.ofSeconds(40), TEN_S);

    assertThat(supervisor(fx).launches()).isZero();
    assertThat(fx.doctor.alerts().openByKey(Alert.key("service-down", GATEWAY))).isEmpty();
    assertThat(control.running()).isFalse();

    // The daemon restarts: a new Doctor on the same state.db still holds the gateway stopped.
    fx.doctor.close();
    fx.doctor = fx.build(config(false));

    assertThat(supervisor(fx).held()).contains("session migrated to another instance");
    assertThat(supervisor(fx).execute(OpenClawCollector.SERVICE, false).detail())
        .isEqualTo("OpenClaw's gateway is held stopped: session migrated to another instance");
    assertThat(supervisor(fx).launches()).isZero();
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
