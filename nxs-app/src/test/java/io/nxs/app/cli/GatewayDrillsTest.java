package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.app.NxsHome;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drills that exercise the gateway against loopback providers on a scratch instance: {@code
 * credential-expiry} and {@code partition} (which also cuts off the scratch workspace sync's
 * remote). Each leaves the live home alone.
 */
class GatewayDrillsTest {

  @TempDir Path dir;

  @Test
  void anExpiredProviderKeyFailsOverIsDetectedAndRotated() throws Exception {
    NxsHome live = new NxsHome(dir.resolve("live"));
    live.initialize();
    List<String> before = LiveHome.tree(live.dir());

    CliRunner.Result run = new CliRunner(live.dir()).run("drill", "run", "credential-expiry");

    assertThat(run.code()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .startsWith("drill credential-expiry: PASSED")
        .contains("ok    the remote provider answers with its key: HTTP 200 from drill-remote")
        .contains(
            "ok    key expired (401): degraded to the local provider: HTTP 200 from drill-local")
        .contains("ok    detected by the Doctor: alert provider-credential-failing open")
        .contains("ok    the remote provider answers with the new key: HTTP 200 from drill-remote")
        .contains("ok    no key in the daemon's log")
        .contains("ok    audit chain verifies");
    assertThat(LiveHome.tree(live.dir()))
        .as("the live home is untouched but for the run's record")
        .isEqualTo(before);
  }

  @Test
  void anUnreachableRemoteProviderAndSyncRemoteMeanAirGappedLocalWorkAndARecovery()
      throws Exception {
    NxsHome live = new NxsHome(dir.resolve("live"));
    live.initialize();
    List<String> before = LiveHome.tree(live.dir());

    CliRunner.Result run = new CliRunner(live.dir()).run("drill", "run", "partition");

    assertThat(run.code()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .startsWith("drill partition: PASSED")
        .contains("ok    air-gapped mode: entered")
        .contains("ok    local work goes on: model request: HTTP 200 from drill-local")
        .contains("ok    workspace syncs: MEMORY.md on the remote at ")
        .contains("ok    sync held while cut off: run failed: cannot fetch from ")
        .contains("memory/partition.md pending and kept in the workspace")
        .contains("ok    back to the remote provider when reachable: air gap ended")
        .contains("ok    sync resumes: memory/partition.md on the remote at ")
        .contains("health up, 0 pending")
        .contains("ok    both transitions audited")
        .contains("ok    audit chain verifies");
    assertThat(LiveHome.tree(live.dir()))
        .as("the live home is untouched but for the run's record")
        .isEqualTo(before);
  }
}
