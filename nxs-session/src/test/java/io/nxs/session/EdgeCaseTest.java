package io.nxs.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.session.restore.StoreImporter;
import io.nxs.testkit.openclaw.OpenClawInstall;
import io.nxs.testkit.openclaw.RealSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SE3's edge case 6 against real OpenClaw homes (3 is {@link HandOffFenceTest}, 5 {@link
 * ShortOfDiskTest}; 1, 2 and 4: see the other tests).
 */
class EdgeCaseTest {

  @TempDir Path dir;
  static OpenClawInstall install;

  @BeforeAll
  static void realOpenClaw() {
    install = OpenClawInstall.assumeInstalled();
  }

  @Test
  void anEncryptedExportAsksForItsKeyAndImportsWithProofGivenIt() throws Exception {
    SessionConfig config = SessionConfig.defaults();
    Path key = Files.writeString(dir.resolve("export.key"), "a long passphrase for the export\n");
    Path wrong = Files.writeString(dir.resolve("wrong.key"), "not the passphrase\n");
    try (Node source =
            new Node(
                dir.resolve("a"),
                RealSessions.copy(install, dir.resolve("a-claw")),
                config,
                Instant.now());
        Node target =
            new Node(
                dir.resolve("b"),
                RealSessions.fresh(install, dir.resolve("b-claw")),
                config,
                Instant.now())) {
      Path file = dir.resolve("sessions.nxs");
      Sessions.ExportResult exported = source.module.sessions().export(file, "main", key);
      assertThat(exported.encrypted()).isTrue();
      assertThat(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1))
          .doesNotContain("agent:main:alpha");

      Sessions.GatewayControl none = reason -> {};
      assertThatThrownBy(() -> target.module.sessions().importFile(file, null, none))
          .hasMessageContaining("is encrypted: give its key with --key-file");
      assertThatThrownBy(() -> target.module.sessions().importFile(file, wrong, none))
          .hasMessageContaining("does not open");
      assertThat(target.claw.layout().agentDatabase("main")).doesNotExist();

      StoreImporter.Report report = target.module.sessions().importFile(file, key, none);
      assertThat(report.agents()).hasSize(1);
      Map<String, SessionDigest> there = MigrationTest.digests(target);
      MigrationTest.digests(source)
          .forEach(
              (k, d) -> {
                if (k.startsWith("agent:main:")) {
                  assertThat(there.get(k).sameContent(d)).as(k).isTrue();
                }
              });
    }
  }
}
