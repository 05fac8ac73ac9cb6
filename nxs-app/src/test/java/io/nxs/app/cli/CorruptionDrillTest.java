package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.app.NxsHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nxs drill run corruption}: a damaged state.db is refused, then recovered from backup. */
class CorruptionDrillTest {

  @TempDir Path dir;

  @Test
  void aDamagedStateDbIsDetectedAndRecoveredFromTheBackupOnAScratchHome() throws Exception {
    NxsHome live = new NxsHome(dir.resolve("live"));
    live.initialize();
    List<String> before = tree(live.dir());

    CliRunner.Result run = new CliRunner(live.dir()).run("drill", "run", "corruption");

    assertThat(run.code()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .startsWith("drill corruption: PASSED")
        .contains("ok    damage detected, start refused with the repair")
        .contains("ok    recovered from the backup: recovered state.db from snapshot")
        .contains("ok    backed-up state is back: 2 of 2 keys there after the recovery")
        .contains("ok    audit chain verifies after the repair");
    assertThat(tree(live.dir()))
        .as("the live home is untouched but for the run's record")
        .isEqualTo(before);
  }

  private static List<String> tree(Path root) throws Exception {
    try (Stream<Path> walk = Files.walk(root)) {
      // The record of the run: state.db (drill_runs, audit) and, in a home NXS never served, the
      // audit chain's signing key its first entry creates. The rest stays as it was.
      return walk.filter(p -> !isRecordOfTheRun(root.relativize(p).toString()))
          .map(p -> root.relativize(p) + " " + p.toFile().length())
          .sorted()
          .toList();
    }
  }

  private static boolean isRecordOfTheRun(String path) {
    return path.startsWith("state.db") || path.startsWith("keys/audit-signing.");
  }
}
