package io.nxs.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.session.migrate.MigrationRecord;
import io.nxs.testkit.openclaw.OpenClawInstall;
import io.nxs.testkit.openclaw.RealSessions;
import io.nxs.testkit.openclaw.TranscriptGrower;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * SE3's edge case 5 against real OpenClaw homes: a target short of disk. It measures the free space
 * of the disk, so nothing else of this module's tests runs meanwhile ({@link Isolated}).
 */
@Isolated("measures the disk's free space")
class ShortOfDiskTest {

  @TempDir Path dir;
  static OpenClawInstall install;

  @BeforeAll
  static void realOpenClaw() {
    install = OpenClawInstall.assumeInstalled();
  }

  @Test
  void aTargetShortOfDiskTakesTheHotAgentFirstAndTheRestWhenItHasRoom() throws Exception {
    // The zones come from OpenClaw's own session index (what `sessions list` shows), which only
    // real turns move. The template's last real turn was agent archive's, a whole turn after
    // main's: on a clock fixed 1 s after it, with a HOT zone half that gap wide, archive is HOT and
    // main is not. Main is made large with old bulk messages (they do not move the index).
    var claw = RealSessions.copy(install, dir.resolve("a-claw"));
    Instant archiveTurn = lastTurn(claw.layout().agentDatabase("archive"));
    Instant mainTurn = lastTurn(claw.layout().agentDatabase("main"));
    Duration gap = Duration.between(mainTurn, archiveTurn);
    assertThat(gap).as("the template's archive turn follows main's").isPositive();
    Instant now = archiveTurn.plusSeconds(1);
    SessionConfig config =
        SessionConfig.defaults()
            .withZones(new ZonePolicy(gap.dividedBy(2), gap.multipliedBy(4), gap.multipliedBy(8)));
    new TranscriptGrower(claw.layout().agentDatabase("main"))
        .grow(
            "agent:main:alpha",
            60_000,
            Instant.now().minus(Duration.ofDays(60)),
            Duration.ofMillis(1));
    long archive = size(claw.layout().agentDatabase("archive"));
    long main = size(claw.layout().agentDatabase("main"));
    Path targetHome = dir.resolve("b");
    var targetClaw = RealSessions.fresh(install, dir.resolve("b-claw"));
    Files.createDirectories(targetHome.resolve("sessions"));
    long usable = Files.getFileStore(targetHome).getUsableSpace();
    // Room for archive (about 3x its size) and half of what main needs: short of disk. Main is
    // large so that the margin either way (~1.5x its size) absorbs what others write meanwhile.
    SessionConfig tight = config.withKeepFree(usable - 3 * archive - 3 * main / 2);

    try (Node source = new Node(dir.resolve("a"), claw, config, now)) {
      Node target = new Node(targetHome, targetClaw, tight, Instant.now());
      int port = target.port();
      try {
        assertThat(source.module.sessions().list("archive").getFirst().hottest())
            .isEqualTo(Zone.HOT);
        assertThat(source.module.sessions().list("main").getFirst().hottest())
            .isNotEqualTo(Zone.HOT);
        MigrationRecord r = source.module.migrations().start(target.url(), target.keyFile(), null);
        MigrationRecord done = MigrationTest.awaitState(source, r.id(), "ACTIVE");
        assertThat(done.state()).as(done.reason()).isEqualTo("ACTIVE");
        assertThat(done.lazy()).isEqualTo("main");
        // (OpenClaw's `sessions list` without --agent shows the default agent, main, only; the
        // migration's VERIFYING step already asked it with --agent archive.)
        assertThat(MigrationTest.digests(target).keySet())
            .contains("agent:archive:old")
            .doesNotContain("agent:main:alpha");

        // The rest is tried at once, and refused before a byte moves: the target is still short.
        MigrationRecord later = MigrationTest.awaitOther(source, r.id(), "FAILED");
        assertThat(later.reason()).contains("short of disk").contains("agent main");
      } finally {
        target.close();
      }

      // Room again: the operator resumes, and the archive follows behind the same fence.
      // On the source's clock: a session's zone is its age at that instant, so both sides must
      // judge it at the same one for their digests to be equal.
      try (Node roomy = new Node(targetHome, targetClaw, config, now, port)) {
        MigrationRecord rest =
            source
                .module
                .migrations()
                .resume(
                    source.module.migrations().all().stream()
                        .filter(m -> "main".equals(m.lazy()))
                        .findFirst()
                        .orElseThrow()
                        .id());
        MigrationRecord finished = MigrationTest.awaitState(source, rest.id(), "ACTIVE");
        assertThat(finished.state()).as(finished.reason()).isEqualTo("ACTIVE");
        assertThat(MigrationTest.digests(roomy)).isEqualTo(MigrationTest.digests(source));
        assertThat(source.module.migrations().fenced()).isPresent();
      }
    }
  }

  /** The newest time in OpenClaw's session index of a store no process has open. */
  private static Instant lastTurn(Path db) throws Exception {
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
        var q = c.createStatement().executeQuery("SELECT max(updated_at) FROM session_nodes")) {
      return Instant.ofEpochMilli(q.getLong(1));
    }
  }

  private static long size(Path db) throws Exception {
    Path wal = Path.of(db + "-wal");
    return Files.size(db) + (Files.exists(wal) ? Files.size(wal) : 0);
  }
}
