package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command on the light class path: a light command runs in this process; anything else runs again
 * through the launcher, off the light class path, with the launcher's exit code.
 */
class LightFallbackTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-07T16:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  /** A launcher that writes how it was run to {@code ran} and exits 7. */
  private Path launcher() throws IOException {
    Path script = dir.resolve("nxs");
    Files.writeString(
        script,
        "#!/bin/sh\necho \"NXS_LIGHT_CLASS_PATH=$NXS_LIGHT_CLASS_PATH $*\" > '"
            + dir.resolve("ran")
            + "'\nexit 7\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  /** {@code args} on the light class path's entry, with {@code launcher} to run again. */
  private static int run(Path launcher, StringWriter out, StringWriter err, String... args) {
    return LightFallback.run(
        launcher.toString(), Map.of(), CLOCK, new PrintWriter(out), new PrintWriter(err), args);
  }

  @Test
  void aCommandLineThatIsNoLightCommandRunsAgainThroughTheLauncherOffTheLightClassPath()
      throws IOException {
    Path launcher = launcher();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code = run(launcher, out, err, "status", "--help");

    assertThat(code).isEqualTo(7);
    assertThat(Files.readString(dir.resolve("ran")))
        .isEqualTo("NXS_LIGHT_CLASS_PATH=0 status --help\n");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aLightCommandRunsHereAndPrintsWhatItPrintsThroughCli() throws IOException {
    Path launcher = launcher();
    Path missing = dir.resolve("no-home");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    StringWriter cliOut = new StringWriter();
    StringWriter cliErr = new StringWriter();

    int code = run(launcher, out, err, "status", "--home", missing.toString());
    int cliCode =
        new Cli(Map.of(), CLOCK)
            .parsed(
                new PrintWriter(cliOut),
                new PrintWriter(cliErr),
                "status",
                "--home",
                missing.toString());

    assertThat(dir.resolve("ran")).doesNotExist();
    assertThat(code).isEqualTo(cliCode).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString()).isEqualTo(cliErr.toString()).contains("no NXS home at");
    assertThat(out.toString()).isEqualTo(cliOut.toString());
  }

  @Test
  void aLauncherThatCannotRunIsOneLineAndAProblem() {
    StringWriter err = new StringWriter();

    int code = run(dir.resolve("gone"), new StringWriter(), err, "stop");

    assertThat(code).isEqualTo(ExitCode.PROBLEM);
    assertThat(err.toString()).startsWith("nxs: cannot run " + dir.resolve("gone")).hasLineCount(1);
  }
}
