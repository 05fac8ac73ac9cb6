package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.app.Daemon;
import io.nxs.app.NxsHome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nxs status}, {@code nxs provider list}, {@code nxs doctor incidents} and {@code nxs backup
 * list} without picocli's model: which command lines take that path, and that each prints, exits
 * and fails exactly as through picocli.
 */
class LightCommandTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-07T16:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void theReadingCommandsWithGlobalOptionsInAnyOrderTakeTheLightPath() {
    String[][] light = {
      {"status"},
      {"status", "--home", "/tmp/h"},
      {"--home=/tmp/h", "status", "-o", "json"},
      {"status", "--output", "text", "--verbose"},
      {"--verbose", "provider", "--output=json", "list"},
      {"doctor", "incidents", "--home", "/tmp/h"},
      {"backup", "restore", "latest"},
      {"backup", "restore", "20261207T190703Z-a0d2e8dd", "--to", "/tmp/r", "-o", "json"},
      {"--home", "/tmp/h", "backup", "--to=/tmp/r", "restore", "--file", "files/a.md", "latest"},
    };
    for (String[] args : light) {
      assertThat(LightCommand.parse(args)).as(String.join(" ", args)).isPresent();
    }
  }

  @Test
  void everyOtherCommandLineIsLeftToPicocli() {
    String[][] others = {
      {},
      {"serve"},
      {"status", "--help"},
      {"status", "-h"},
      {"status", "--version"},
      {"status", "extra"},
      {"status", "status"},
      {"provider"},
      {"provider", "test"},
      {"list", "provider"},
      {"doctor", "status"},
      {"backup", "create"},
      {"backup", "list", "--all"},
      {"status", "--home"},
      {"status", "--home", "a", "--home", "b"},
      {"status", "--home="},
      {"status", "--home", "--verbose"},
      {"status", "--verbose", "--verbose"},
      {"status", "-o", "JSON"},
      {"status", "-ojson"},
      {"status", "-o", "yaml"},
      {"status", "-o", "json", "-o", "text"},
      {"status", "-o"},
      {"status", "--verbose=true"},
      {"status", "--unknown"},
      {"status", "--"},
      {"status", "@args"},
      {"backup", "restore"},
      {"backup", "restore", "a", "b"},
      {"backup", "restore", "@ids"},
      {"backup", "restore", "latest", "--to", "a", "--to", "b"},
      {"backup", "restore", "latest", "--to"},
      {"backup", "restore", "latest", "--to="},
      {"backup", "restore", "latest", "--file", "--verbose"},
      {"backup", "restore", "latest", "--file="},
      {"backup", "restore", "latest", "--help"},
      {"backup", "list", "--to", "/tmp/r"},
      {"status", "--file", "a"},
    };
    for (String[] args : others) {
      assertThat(LightCommand.parse(args)).as(String.join(" ", args)).isEmpty();
    }
  }

  @Test
  void eachLightCommandPrintsAndExitsAsThroughPicocli() throws Exception {
    NxsHome home = StatusCommandTest.home(dir);
    try (Daemon d = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      for (List<String> command :
          List.of(
              List.of("status"),
              List.of("status", "-o", "json"),
              List.of("provider", "list"),
              List.of("provider", "list", "--output=json"),
              List.of("doctor", "incidents"),
              List.of("doctor", "incidents", "-o", "json"),
              List.of("backup", "list"),
              List.of("backup", "list", "-o", "json"))) {
        Run light = run(true, home, command);
        Run picocli = run(false, home, command);

        assertThat(light).as(String.join(" ", command)).isEqualTo(picocli);
        assertThat(light.out()).as(String.join(" ", command)).isNotBlank();
        assertThat(light.err()).as(String.join(" ", command)).isEmpty();
      }
    }
  }

  @Test
  void aStoppedDaemonOrAMissingHomeFailsWithTheSameLineAndCodeAsThroughPicocli() throws Exception {
    NxsHome home = StatusCommandTest.home(dir);
    try (Daemon d = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      // Where it listened, so the CLI finds no daemon there once it has stopped.
      Files.writeString(
          home.config(), Files.readString(home.config()).replace("port: 0", "port: " + d.port()));
    }
    NxsHome missing = new NxsHome(dir.resolve("nowhere"));
    for (NxsHome h : List.of(home, missing)) {
      for (List<String> command :
          List.of(List.of("status"), List.of("provider", "list"), List.of("doctor", "incidents"))) {
        Run light = run(true, h, command);
        Run picocli = run(false, h, command);

        assertThat(light).as(h.dir() + " " + command).isEqualTo(picocli);
        assertThat(light.code())
            .as(h.dir() + " " + command)
            .isEqualTo(h == home ? ExitCode.UNREACHABLE : ExitCode.USAGE);
        assertThat(light.err().strip()).startsWith("nxs: ").doesNotContain("\n");
      }
      // With no daemon, backup list reads the home itself, the same either way.
      Run light = run(true, h, List.of("backup", "list"));
      Run picocli = run(false, h, List.of("backup", "list"));

      assertThat(light).as(h.dir() + " backup list").isEqualTo(picocli);
      assertThat(light.code())
          .as(h.dir() + " backup list")
          .isEqualTo(h == home ? ExitCode.OK : ExitCode.USAGE);
    }
  }

  @Test
  void aRestoreThroughTheDaemonPrintsAndFailsAsThroughPicocli() throws Exception {
    NxsHome home = StatusCommandTest.home(dir);
    try (Daemon d = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      String[] create = {"backup", "create", "--home", home.dir().toString()};
      assertThat(new Cli(Map.of(), CLOCK).parsed(quiet(), quiet(), create)).isZero();
      for (String format : List.of("text", "json")) {
        Path lightDir = dir.resolve("light-" + format);
        Path picocliDir = dir.resolve("picocli-" + format);

        Run light = run(true, home, restore(lightDir, format));
        Run picocli = run(false, home, restore(picocliDir, format));

        assertThat(light.code()).isEqualTo(picocli.code()).isEqualTo(ExitCode.OK);
        // The same answer, but for where to and how long it took (JSON's millis).
        assertThat(
                light
                    .out()
                    .replace(lightDir.toString(), "DIR")
                    .replaceAll("\"millis\" : \\d+", "\"millis\" : N"))
            .isEqualTo(
                picocli
                    .out()
                    .replace(picocliDir.toString(), "DIR")
                    .replaceAll("\"millis\" : \\d+", "\"millis\" : N"))
            .contains("DIR");
        assertThat(light.err()).isEqualTo(picocli.err()).isEmpty();
        assertThat(Files.list(lightDir).count()).isEqualTo(Files.list(picocliDir).count());
        // Into a directory that is no longer empty: the daemon's one-line refusal, either way.
        Run lightAgain = run(true, home, restore(lightDir, format));
        Run picocliAgain = run(false, home, restore(lightDir, format));

        assertThat(lightAgain).isEqualTo(picocliAgain);
        assertThat(lightAgain.code()).isNotZero();
        assertThat(lightAgain.err().strip()).startsWith("nxs: ").doesNotContain("\n");
      }
    }
  }

  private static List<String> restore(Path to, String format) {
    return List.of("backup", "restore", "latest", "--to", to.toString(), "-o", format);
  }

  private static PrintWriter quiet() {
    return new PrintWriter(new StringWriter());
  }

  /** One run's outcome. */
  private record Run(int code, String out, String err) {}

  /** {@code command} on {@code home}, the light way ({@link Cli#run}) or through picocli. */
  private static Run run(boolean light, NxsHome home, List<String> command) {
    List<String> args = new ArrayList<>(command);
    args.add("--home");
    args.add(home.dir().toString());
    assertThat(LightCommand.parse(args.toArray(String[]::new))).isPresent();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Cli cli = new Cli(Map.of(), CLOCK);
    PrintWriter o = new PrintWriter(out);
    PrintWriter e = new PrintWriter(err);
    String[] a = args.toArray(String[]::new);
    int code = light ? cli.run(o, e, a) : cli.parsed(o, e, a);
    return new Run(code, out.toString(), err.toString());
  }
}
