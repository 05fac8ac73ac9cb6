package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.app.NxsHome;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nxs drill run corruption}: a damaged state.db is refused, then recovered from backup. */
class CorruptionDrillTest {

  @TempDir Path dir;

  @Test
  void aDamagedStateDbIsDetectedAndRecoveredFromTheBackupOnAScratchHome() throws Exception {
    NxsHome live = new NxsHome(dir.resolve("live"));
    live.initialize();
    List<String> before = LiveHome.tree(live.dir());

    CliRunner.Result run = new CliRunner(live.dir()).run("drill", "run", "corruption");

    assertThat(run.code()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .startsWith("drill corruption: PASSED")
        .contains("ok    damage detected, start refused with the repair")
        .contains("ok    recovered from the backup: recovered state.db from snapshot")
        .contains("ok    backed-up state is back: 2 of 2 keys there after the recovery")
        .contains("ok    audit chain verifies after the repair");
    assertThat(LiveHome.tree(live.dir()))
        .as("the live home is untouched but for the run's record")
        .isEqualTo(before);
  }
}
