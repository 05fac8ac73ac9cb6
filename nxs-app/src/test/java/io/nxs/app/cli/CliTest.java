package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.app.NxsHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class CliTest {

  @TempDir Path dir;

  static Stream<String> everyCommand() {
    List<String> names = new ArrayList<>();
    collect(Cli.commandLine(new NxsCommand(Map.of(), Clock.systemUTC())), "", names);
    return names.stream();
  }

  private static void collect(CommandLine cmd, String prefix, List<String> names) {
    names.add(prefix.strip());
    cmd.getSubcommands().forEach((name, sub) -> collect(sub, prefix + " " + name, names));
  }

  @ParameterizedTest(name = "nxs {0} --help")
  @MethodSource("everyCommand")
  void everyCommandHasHelp(String command) {
    List<String> args =
        new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
    args.add("--help");

    CliRunner.Result r = new CliRunner(null).run(args.toArray(String[]::new));

    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("Usage: nxs");
  }

  @Test
  void configCheckAcceptsTheShippedDefaults() throws Exception {
    Path file = dir.resolve("nxs.yaml");
    Files.write(file, NxsHome.defaultConfig());

    CliRunner.Result r = new CliRunner(null).run("config", "check", file.toString());

    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("valid");
  }

  @Test
  void configCheckAcceptsTheShippedVaultExampleUncommented() throws Exception {
    String text = new String(NxsHome.defaultConfig(), java.nio.charset.StandardCharsets.UTF_8);
    int vault = text.indexOf("# vault:");
    int end = text.indexOf("\n\n", vault); // the block ends at the first blank line
    String uncommented =
        text.substring(0, vault)
            + text.substring(vault, end)
                .lines()
                .map(l -> l.startsWith("# ") ? l.substring(2) : l)
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"))
            + text.substring(end);
    Path file = dir.resolve("nxs.yaml");
    Files.writeString(file, uncommented);

    CliRunner.Result r = new CliRunner(null).run("config", "check", file.toString());

    assertThat(uncommented).contains("\nvault:\n").contains("type: s3");
    assertThat(r.code()).as(r.err()).isZero();
  }

  @Test
  void configCheckNamesFileLineColumnAndExitsTwo() throws Exception {
    Path file = dir.resolve("nxs.yaml");
    Files.writeString(file, "server:\n  port: 8787\n  hostname: x\n");

    CliRunner.Result r = new CliRunner(null).run("config", "check", file.toString());

    assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err().strip())
        .startsWith("nxs: nxs.yaml:3:3: server.hostname: unknown key")
        .doesNotContain("\n");
  }

  @Test
  void configCheckJsonOutputForScripts() throws Exception {
    Path file = dir.resolve("nxs.yaml");
    Files.write(file, NxsHome.defaultConfig());

    CliRunner.Result r = new CliRunner(null).run("config", "check", file.toString(), "-o", "json");

    assertThat(r.out()).contains("\"valid\" : true");
  }

  @Test
  void versionPrintsTheVersionsAndHelpBesideItStillListsTheCommands() {
    CliRunner.Result version = new CliRunner(null).run("--version");
    CliRunner.Result both = new CliRunner(null).run("--version", "--help");

    assertThat(version.code()).isZero();
    assertThat(version.out()).startsWith("nxs ").contains("java " + Runtime.version());
    assertThat(both.code()).isZero();
    assertThat(both.out()).startsWith("Usage: nxs").contains("status").contains("backup");
  }

  @Test
  void aGroupBuildsOnlyTheSubcommandNamedAndAllForHelpOrAnUnknownName() {
    NxsCommand root = new NxsCommand(Map.of(), Clock.systemUTC());
    String home = dir.toString();

    assertThat(
            Cli.commandLine(root, "--home", home, "backup", "-o", "json", "list")
                .getSubcommands()
                .get("backup")
                .getSubcommands())
        .containsOnlyKeys("list");
    assertThat(
            Cli.commandLine(root, "backup", "--help")
                .getSubcommands()
                .get("backup")
                .getSubcommands())
        .hasSize(9)
        .containsKeys("create", "list", "restore");
    assertThat(
            Cli.commandLine(root, "doctor", "nope").getSubcommands().get("doctor").getSubcommands())
        .containsKeys("rules", "incidents", "approve", "status", "advice");
  }

  @Test
  void versionWithGlobalOptionsBuildsNoSubcommandAndHelpBuildsThemAll() {
    NxsCommand root = new NxsCommand(Map.of(), Clock.systemUTC());
    String home = dir.toString();

    assertThat(Cli.commandLine(root, "--version", "--home", home).getSubcommands()).isEmpty();
    assertThat(Cli.commandLine(root, "-o", "json", "-V").getSubcommands()).isEmpty();
    assertThat(Cli.commandLine(root, "--home", home, "--version", "--help").getSubcommands())
        .hasSize(NxsCommand.SUBCOMMANDS.size());
    assertThat(Cli.commandLine(root, "--version", "status").getSubcommands())
        .containsOnlyKeys("status");
    assertThat(new CliRunner(dir).run("--version").out())
        .isEqualTo(new CliRunner(null).run("--version").out());
  }

  @Test
  void unknownOptionIsAUsageErrorWithAHint() {
    CliRunner.Result r = new CliRunner(null).run("key", "list", "--frobnicate");

    assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("Unknown option").contains("nxs key list --help");
  }

  @Test
  void commandsOnAMissingHomeSayHowToCreateIt() {
    CliRunner.Result r = new CliRunner(dir.resolve("absent")).run("key", "list");

    assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("no NXS home at").contains("nxs serve");
  }
}
