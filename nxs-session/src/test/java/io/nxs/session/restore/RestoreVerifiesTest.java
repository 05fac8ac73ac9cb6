package io.nxs.session.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.openclaw.OpenClaw;
import io.nxs.core.openclaw.OpenClawConfig;
import io.nxs.session.AgentSessions;
import io.nxs.session.SessionConfig;
import io.nxs.session.SessionException;
import io.nxs.session.store.AgentStore;
import io.nxs.session.store.OpenClawTools;
import io.nxs.session.transfer.Bundle;
import io.nxs.testkit.openclaw.OpenClawHome;
import io.nxs.testkit.openclaw.OpenClawInstall;
import io.nxs.testkit.openclaw.RealSessions;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The import runs no separate {@code openclaw backup sqlite verify}: OpenClaw's {@code restore}
 * verifies the snapshot itself and writes nothing when it fails. This holds it to that, with a real
 * snapshot of a real OpenClaw store.
 */
class RestoreVerifiesTest {

  @TempDir Path dir;
  static OpenClawInstall install;

  @BeforeAll
  static void realOpenClaw() {
    install = OpenClawInstall.assumeInstalled();
  }

  @Test
  void aSnapshotThatFailsOpenClawsVerificationIsNotRestoredAndTheIntactOneIs() throws Exception {
    OpenClawHome claw = RealSessions.copy(install, dir.resolve("claw"));
    OpenClawTools tools =
        new OpenClawTools(
            OpenClaw.of(
                new OpenClawConfig(
                    claw.layout().home(), install.command(), URI.create("http://127.0.0.1:9")),
                claw.cli().environment()),
            Duration.ofMinutes(5));
    SessionConfig config = SessionConfig.defaults();
    Clock clock = Clock.systemUTC();
    Path staged = dir.resolve("staged");
    Path snapshot = tools.snapshot("main", dir.resolve("repo"));
    Path into = staged.resolve("final/main").resolve(snapshot.getFileName());
    Files.createDirectories(into.getParent());
    Files.move(snapshot, into);
    AgentSessions sessions;
    try (AgentStore store = AgentStore.open(into.resolve("database.sqlite"))) {
      sessions = store.read("main", config.zones(), clock.instant());
    }
    Bundle bundle =
        new Bundle(
            Bundle.PROTOCOL,
            clock.instant(),
            tools.version(),
            List.of(new Bundle.Agent(sessions, "final/main/" + into.getFileName())),
            List.of());
    StoreImporter importer = new StoreImporter(tools, config.zones(), clock);
    Path work = staged.resolve("work");
    Path restored = work.resolve("restored/main.sqlite");

    // One byte of the store's last page changed: its size stays, its SHA-256 no longer matches
    // the manifest OpenClaw wrote.
    byte was = flipLastByte(into.resolve("database.sqlite"), (byte) 0);
    assertThatThrownBy(() -> importer.restoreAndCheck(bundle, List.of("main"), staged, work))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("OpenClaw could not restore");
    assertThat(restored).doesNotExist();

    flipLastByte(into.resolve("database.sqlite"), was);
    importer.restoreAndCheck(bundle, List.of("main"), staged, work);
    assertThat(restored).isRegularFile();
  }

  /** Writes {@code value} (or, when it equals the byte there, its complement) at the end. */
  private static byte flipLastByte(Path file, byte value) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(f.length() - 1);
      byte was = f.readByte();
      f.seek(f.length() - 1);
      f.writeByte(value == was ? ~was : value);
      return was;
    }
  }
}
