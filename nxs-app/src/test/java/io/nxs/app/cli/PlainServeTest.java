package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nxs serve} without picocli's model: which command lines take that path, and its errors.
 */
class PlainServeTest {

  private static final Clock CLOCK = Clock.systemUTC();

  @Test
  void servePlainWithHomeAndVerboseInAnyOrderIsParsedWithoutPicocli() {
    GlobalOptions a =
        ServeCommand.plain(Map.of(), CLOCK, "serve", "--home", "/tmp/h").orElseThrow();
    assertThat(a.home).isEqualTo(Path.of("/tmp/h"));
    assertThat(a.verbose).isFalse();
    GlobalOptions b =
        ServeCommand.plain(Map.of(), CLOCK, "--verbose", "--home=/tmp/h2", "serve").orElseThrow();
    assertThat(b.home).isEqualTo(Path.of("/tmp/h2"));
    assertThat(b.verbose).isTrue();
    GlobalOptions c =
        ServeCommand.plain(Map.of("NXS_HOME", "/tmp/e"), CLOCK, "serve").orElseThrow();
    assertThat(c.home).isNull();
    assertThat(c.home().dir()).isEqualTo(Path.of("/tmp/e"));
  }

  @Test
  void everyOtherCommandLineIsLeftToPicocli() {
    String[][] others = {
      {},
      {"status"},
      {"serve", "--help"},
      {"serve", "-h"},
      {"serve", "--version"},
      {"serve", "-o", "json"},
      {"serve", "extra"},
      {"serve", "serve"},
      {"serve", "--home"},
      {"serve", "--home", "a", "--home", "b"},
      {"serve", "--home="},
      {"serve", "--home", "--verbose"},
      {"serve", "--verbose", "--verbose"},
      {"serve", "--unknown"},
      {"--home", "/tmp/h"},
    };
    for (String[] args : others) {
      assertThat(ServeCommand.plain(Map.of(), CLOCK, args)).as(String.join(" ", args)).isEmpty();
    }
  }

  @Test
  void aBadConfigurationFailsWithTheSameLineAndCodeAsThroughPicocli(@TempDir Path dir)
      throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home);
    Files.writeString(home.resolve("nxs.yaml"), "server:\n  port: 0\n  hostname: x\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            Map.of(),
            CLOCK,
            new PrintWriter(out),
            new PrintWriter(err),
            "serve",
            "--home",
            home.toString());
    CliRunner.Result picocli = new CliRunner(home).run("serve");

    assertThat(code).isEqualTo(ExitCode.USAGE).isEqualTo(picocli.code());
    assertThat(err.toString())
        .startsWith("nxs: nxs.yaml:3:3: server.hostname: unknown key")
        .isEqualTo(picocli.err());
  }
}
