package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's class archive is only as good as its training run: every step must succeed. */
class StartupTrainingTest {

  @TempDir Path dir;

  @Test
  void theTrainingWorkloadRunsEveryCommandSuccessfully() {
    assertThatCode(() -> new StartupTraining(dir, Clock.systemUTC()).run())
        .doesNotThrowAnyException();
  }

  @Test
  void theLightCommandsRunAgainstADaemonInAChildJvmThatTheyStop() {
    assertThatCode(() -> new StartupTraining(dir, Clock.systemUTC()).runLightCommands(false))
        .doesNotThrowAnyException();
  }

  @Test
  void theLightClassPathsTrainingRunsThePlainLightCommandsAndStopsTheDaemonOverHttp() {
    assertThatCode(() -> new StartupTraining(dir, Clock.systemUTC()).runLightCommands(true))
        .doesNotThrowAnyException();
  }

  @Test
  void theDaemonsTrainingStartsServesAndStopsTheDaemonTwiceInThisJvm() throws Exception {
    StartupTraining training = new StartupTraining(dir, Clock.systemUTC());

    training.runServe();

    assertThat(dir.resolve("home/state.db")).isNotEmptyFile();
    assertThat(dir.resolve("home/keys/admin.key")).exists();
  }
}
