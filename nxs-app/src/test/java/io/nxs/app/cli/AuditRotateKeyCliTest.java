package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.app.NxsHome;
import io.nxs.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nxs audit rotate-key} as an operator runs it on a home (SEC5). */
class AuditRotateKeyCliTest {

  @TempDir Path dir;
  private NxsHome home;
  private CliRunner cli;

  @BeforeEach
  void home() throws Exception {
    home = new NxsHome(dir.resolve("home"));
    home.initialize();
    cli = new CliRunner(home.dir());
  }

  @Test
  void aRotationNeedsAReasonAndChangesNothingWithoutOne() throws Exception {
    assertThat(cli.run("audit", "verify").code()).isZero();
    Path key = home.dir().resolve("keys/audit-signing.key");
    String before = Files.readString(key);

    CliRunner.Result missing = cli.run("audit", "rotate-key");
    CliRunner.Result blank = cli.run("audit", "rotate-key", "--reason", " ");

    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--reason");
    assertThat(blank.code()).isEqualTo(2);
    assertThat(Files.readString(key)).isEqualTo(before);
  }

  @Test
  void aRotatedLogStillVerifiesAndRecordsWhyAndWho() throws Exception {
    assertThat(cli.run("audit", "verify").code()).isZero();

    CliRunner.Result rotated =
        cli.run("audit", "rotate-key", "--reason", "scheduled 90-day rotation", "-o", "json");

    assertThat(rotated.code()).as(rotated.err()).isZero();
    JsonNode ids = Json.mapper().readTree(rotated.out());
    assertThat(ids.path("key_id").asText())
        .hasSize(16)
        .isNotEqualTo(ids.path("previous_key_id").asText());
    CliRunner.Result verify = cli.run("audit", "verify");
    assertThat(verify.code()).as(verify.out()).isZero();
    CliRunner.Result query = cli.run("audit", "query", "--type", "audit.key_rotated", "-o", "json");
    JsonNode entry = Json.mapper().readTree(query.out()).get(0);
    assertThat(entry.path("actor").asText()).isEqualTo("cli");
    assertThat(entry.path("details").path("reason").asText())
        .isEqualTo("scheduled 90-day rotation");
    assertThat(entry.path("details").path("key_id").asText())
        .isEqualTo(ids.path("key_id").asText());
  }
}
