package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.app.Daemon;
import io.nxs.app.NxsHome;
import io.nxs.core.Json;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nxs backup ...} as a user runs it, on a stopped home and through a running daemon. */
class BackupCliTest {

  @TempDir Path dir;
  private NxsHome home;
  private CliRunner cli;

  @BeforeEach
  void home() throws Exception {
    home = new NxsHome(dir.resolve("home"));
    home.initialize();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.writeString(
        home.config(),
        Files.readString(home.config()).replace("port: 8787", "port: " + port)
            + "\nvault:\n  schedule:\n    backup: 0s\n");
    cli = new CliRunner(home.dir());
  }

  private JsonNode json(CliRunner.Result r) throws Exception {
    assertThat(r.code()).as(r.err()).isZero();
    return Json.mapper().readTree(r.out());
  }

  @Test
  void withoutTheDaemonEveryCommandWorksOnTheHome() throws Exception {
    JsonNode created = json(cli.run("backup", "create", "-o", "json"));
    String id = created.path("snapshot").path("id").asText();

    assertThat(cli.run("backup", "list").out()).contains(id).contains("never");
    CliRunner.Result verify = cli.run("backup", "verify", "--deep");
    assertThat(verify.code()).isZero();
    assertThat(verify.out()).startsWith("ok").contains("(deep)");
    assertThat(cli.run("backup", "list").out()).contains(id).contains(" ok");

    Path to = dir.resolve("restored");
    CliRunner.Result restore =
        cli.run("backup", "restore", id, "--to", to.toString(), "--file", "nxs/nxs.yaml");
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(Files.readString(to.resolve("nxs/nxs.yaml")))
        .isEqualTo(Files.readString(home.config()));

    assertThat(
            json(cli.run("backup", "prune", "--dry-run", "-o", "json")).path("dry_run").asBoolean())
        .isTrue();
    CliRunner.Result drill = cli.run("backup", "drill");
    assertThat(drill.code()).as(drill.err()).isZero();
    assertThat(drill.out()).startsWith("ok").contains("RTO");
    Path tar = dir.resolve("offline.tar");
    assertThat(cli.run("backup", "export", tar.toString()).code()).isZero();
    assertThat(tar).isRegularFile();

    assertThat(cli.run("backup", "rotate-key").code()).isEqualTo(ExitCode.USAGE);
    String oldKey = Files.readString(home.dir().resolve("keys/vault.key"));
    CliRunner.Result rotated =
        cli.run("backup", "rotate-key", "--reason", "yearly", "--new-data-key");
    assertThat(rotated.code()).as(rotated.err()).isZero();
    assertThat(rotated.out()).contains("key ring generation 1").contains("data key 1 (new)");
    assertThat(Files.readString(home.dir().resolve("keys/vault.key"))).isNotEqualTo(oldKey);
    Path again = dir.resolve("after-rotation");
    assertThat(cli.run("backup", "restore", id, "--to", again.toString()).code()).isZero();
    assertThat(Files.readString(again.resolve("nxs/nxs.yaml")))
        .isEqualTo(Files.readString(home.config()));
  }

  @Test
  void auditVerifyExitsOneWhenTheLogWasRolledBackBehindACheckpointOnATarget() throws Exception {
    CliRunner.Result fresh = cli.run("audit", "verify");
    assertThat(fresh.code()).as(fresh.err()).isZero();
    assertThat(fresh.out()).contains("no backup target holds a signed checkpoint yet");
    json(cli.run("backup", "create", "-o", "json"));
    Path before = dir.resolve("state-before.db");
    sql("VACUUM INTO '" + before + "'");
    json(cli.run("backup", "create", "-o", "json"));
    json(cli.run("backup", "create", "-o", "json"));
    CliRunner.Result agrees = cli.run("audit", "verify");
    assertThat(agrees.code()).as(agrees.out()).isZero();
    assertThat(agrees.out()).contains("agrees with the signed checkpoint of seq");

    sql("restore from '" + before + "'");
    CliRunner.Result rolledBack = cli.run("audit", "verify");

    assertThat(rolledBack.code()).isEqualTo(1);
    assertThat(rolledBack.out())
        .startsWith("FAIL")
        .contains("rolled back")
        .contains("local:" + home.dir().resolve("backups"));
  }

  private void sql(String statement) throws Exception {
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + home.stateDb());
        var s = c.createStatement()) {
      s.execute(statement);
    }
  }

  @Test
  void verifyOfATamperedBlobExitsOneNamingTheFile() throws Exception {
    Files.writeString(
        home.dir().resolve("secrets.yaml"), "openai: sk-test-" + "x".repeat(40) + "\n");
    json(cli.run("backup", "create", "-o", "json"));
    JsonNode snapshot = json(cli.run("backup", "list", "-o", "json")).get(0);
    assertThat(snapshot.path("files").asInt()).isPositive();
    Path blobs = home.dir().resolve("backups/blobs");
    try (Stream<Path> walk = Files.walk(blobs)) {
      for (Path blob : walk.filter(Files::isRegularFile).toList()) {
        try (RandomAccessFile raf = new RandomAccessFile(blob.toFile(), "rw")) {
          raf.seek(raf.length() - 1);
          int b = raf.read();
          raf.seek(raf.length() - 1);
          raf.write(b ^ 0xff);
        }
      }
    }

    CliRunner.Result r = cli.run("backup", "verify", "all", "--deep");

    assertThat(r.code()).isEqualTo(ExitCode.PROBLEM);
    assertThat(r.out()).contains("DAMAGED").contains("file nxs/secrets.yaml").startsWith("DAMAGED");
    assertThat(r.out()).doesNotContain("sk-test");
  }

  @Test
  void withTheDaemonRunningCommandsGoThroughItsApi() throws Exception {
    try (Daemon daemon = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      JsonNode created = json(cli.run("backup", "create", "-o", "json"));
      assertThat(created.path("snapshot").path("targets").get(0).asText()).contains("backups");

      CliRunner.Result list = cli.run("backup", "list");
      assertThat(list.out()).contains(created.path("snapshot").path("id").asText());
      JsonNode rotated =
          json(cli.run("backup", "rotate-key", "--reason", "through the API", "-o", "json"));
      assertThat(rotated.path("generation").asInt()).isEqualTo(1);
      assertThat(
              json(cli.run("backup", "create", "-o", "json")).path("snapshot").path("id").asText())
          .isNotBlank();
      CliRunner.Result overHome =
          cli.run("backup", "restore", "latest", "--to", home.dir().toString());
      assertThat(overHome.code()).isEqualTo(ExitCode.PROBLEM);
      assertThat(overHome.err()).contains("refused");
      CliRunner.Result recover = cli.run("backup", "recover");
      assertThat(recover.code()).isEqualTo(ExitCode.USAGE);
      assertThat(recover.err()).contains("NXS is running");
    }
  }

  @Test
  void corruptStateAtStartNamesTheRecoveryAndRecoverRepairsIt() throws Exception {
    json(cli.run("backup", "create", "-o", "json"));
    try (RandomAccessFile raf = new RandomAccessFile(home.stateDb().toFile(), "rw")) {
      for (long pos = 4096; pos < raf.length(); pos += 512) {
        raf.seek(pos);
        raf.write("garbage garbage garbage garbage".getBytes());
      }
    }

    CliRunner.Result serve = cli.run("serve");
    assertThat(serve.code()).isEqualTo(ExitCode.PROBLEM);
    assertThat(serve.err()).contains("is corrupt").contains("nxs backup recover");

    CliRunner.Result recover = cli.run("backup", "recover");
    assertThat(recover.code()).as(recover.err()).isZero();
    assertThat(recover.out()).contains("recovered state.db from snapshot").contains(".corrupt-");
    CliRunner.Result again = cli.run("backup", "recover");
    assertThat(again.code()).isEqualTo(ExitCode.USAGE);
    assertThat(again.err()).contains("passes its integrity check");
  }

  @Test
  void corruptStateWithoutAnySnapshotStopsWithAClearMessage() throws Exception {
    try (Daemon d = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      assertThat(d.port()).isPositive();
    }
    Files.write(home.stateDb(), "garbage, not a database ".repeat(400).getBytes());

    CliRunner.Result serve = cli.run("serve");

    assertThat(serve.code()).isEqualTo(ExitCode.PROBLEM);
    assertThat(serve.err()).contains("no backup snapshot exists");
  }
}
