package io.nxs.session.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.session.AgentSessions;
import io.nxs.session.SessionDigest;
import io.nxs.session.Zone;
import io.nxs.session.ZoneFigures;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export file format on staged files (the OpenClaw parts are in the integration tests). */
class ExportFileTest {

  @TempDir Path dir;
  private Path staged;
  private Bundle bundle;

  @BeforeEach
  void stage() throws Exception {
    staged = Files.createDirectories(dir.resolve("staged"));
    Files.createDirectories(staged.resolve("x/main"));
    byte[] db = new byte[300_000];
    new Random(7).nextBytes(db);
    Files.write(staged.resolve("x/main/database.sqlite"), db);
    Files.writeString(staged.resolve("x/main/manifest.json"), "{\"schemaVersion\":1}");
    Map<Zone, ZoneFigures> zones = new EnumMap<>(Zone.class);
    zones.put(Zone.HOT, new ZoneFigures(1, 2, 100));
    AgentSessions sessions =
        new AgentSessions(
            "main",
            "sqlite",
            23,
            "2026.9.6",
            zones,
            List.of(
                new SessionDigest(
                    "agent:main:a", "id-1", 2, "ab".repeat(32), 100, Instant.EPOCH, Zone.HOT)));
    bundle =
        new Bundle(
            Bundle.PROTOCOL,
            Instant.parse("2026-12-06T12:00:00Z"),
            "2026.9.6",
            List.of(new Bundle.Agent(sessions, "x/main")),
            List.of(
                SnapshotExporter.describe(staged, "x/main/manifest.json"),
                SnapshotExporter.describe(staged, "x/main/database.sqlite")));
  }

  @Test
  void aPlainExportReadsBackByteForByte() throws Exception {
    Path file = dir.resolve("s.nxs");
    ExportFile.write(bundle, staged, file, null, 64 * 1024);
    Path back = dir.resolve("back");
    Bundle read = ExportFile.read(file, back, null);
    assertThat(read).isEqualTo(bundle);
    assertThat(Files.readAllBytes(back.resolve("x/main/database.sqlite")))
        .isEqualTo(Files.readAllBytes(staged.resolve("x/main/database.sqlite")));
  }

  @Test
  void anEncryptedExportAsksForItsKeyAndRefusesAWrongOne() throws Exception {
    Path key = Files.writeString(dir.resolve("k"), "a passphrase only the operator knows");
    Path wrong = Files.writeString(dir.resolve("w"), "0".repeat(64));
    Path file = dir.resolve("s.nxs");
    ExportFile.write(bundle, staged, file, key, 64 * 1024);

    assertThatThrownBy(() -> ExportFile.read(file, dir.resolve("a"), null))
        .hasMessageContaining("is encrypted: give its key with --key-file");
    assertThatThrownBy(() -> ExportFile.read(file, dir.resolve("b"), wrong))
        .hasMessageContaining("does not open");
    assertThat(ExportFile.read(file, dir.resolve("c"), key)).isEqualTo(bundle);
  }

  @Test
  void aCutExportIsReportedAsTruncated() throws Exception {
    Path file = dir.resolve("s.nxs");
    ExportFile.write(bundle, staged, file, null, 64 * 1024);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() - 1000);
    }
    assertThatThrownBy(() -> ExportFile.read(file, dir.resolve("back"), null))
        .hasMessageContaining("truncated");
  }

  @Test
  void aDamagedExportFailsItsCheck() throws Exception {
    Path file = dir.resolve("s.nxs");
    ExportFile.write(bundle, staged, file, null, 64 * 1024);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long at = f.length() - 5000;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0xff);
    }
    assertThatThrownBy(() -> ExportFile.read(file, dir.resolve("back"), null))
        .hasMessageMatching("(?s).*(fails its|damaged).*");
  }
}
