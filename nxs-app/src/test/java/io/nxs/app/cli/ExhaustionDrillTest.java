package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.app.NxsHome;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code exhaustion} drill: a scratch daemon under a 512 MB limit sheds load instead of running
 * out of memory, alerts, and recovers; the live home is left alone.
 */
class ExhaustionDrillTest {

  @TempDir Path dir;

  @Test
  void underA512MbLimitTheDaemonShedsLoadAlertsStaysAliveAndRecovers() throws Exception {
    NxsHome live = new NxsHome(dir.resolve("live"));
    live.initialize();
    List<String> before = LiveHome.tree(live.dir());

    CliRunner.Result run = new CliRunner(live.dir()).run("drill", "run", "exhaustion");

    assertThat(run.code()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .startsWith("drill exhaustion: PASSED")
        .contains("ok    sheds load: 503 with Retry-After: refused with")
        .contains("ok    health and admin keep working")
        .contains("ok    alert opened: alert memory-shedding-load open")
        .contains("ok    accepts again when the load is gone")
        .contains("ok    never killed, never out of memory: alive; no OutOfMemoryError")
        .contains("ok    pressure and its end audited")
        .contains("ok    audit chain verifies");
    assertThat(LiveHome.tree(live.dir()))
        .as("the live home is untouched but for the run's record")
        .isEqualTo(before);
  }
}
