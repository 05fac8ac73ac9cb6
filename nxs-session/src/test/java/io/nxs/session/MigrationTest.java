package io.nxs.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nxs.core.ext.PrimaryGuard;
import io.nxs.session.migrate.MigrationRecord;
import io.nxs.testkit.openclaw.OpenClawInstall;
import io.nxs.testkit.openclaw.RealSessions;
import io.nxs.testkit.openclaw.TranscriptGrower;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live migration between two NXS instances on loopback, each with its own real OpenClaw home: the
 * source's sessions were made by real OpenClaw turns and grown in bulk with OpenClaw's own rows;
 * the target starts with none.
 */
class MigrationTest {

  @TempDir static Path dir;
  static OpenClawInstall install;

  @BeforeAll
  static void realOpenClaw() {
    install = OpenClawInstall.assumeInstalled();
  }

  static Map<String, SessionDigest> digests(Node node) {
    return node.module.sessions().list(null).stream()
        .flatMap(a -> a.sessions().stream())
        .collect(Collectors.toMap(SessionDigest::key, Function.identity()));
  }

  static MigrationRecord awaitState(Node node, String id, String... states) {
    List<String> wanted = List.of(states);
    return await()
        .atMost(Duration.ofMinutes(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> node.module.migrations().find(id).orElseThrow(),
            r -> wanted.contains(r.state()) || "FAILED".equals(r.state()));
  }

  /** The first migration other than {@code id} that reaches one of the states. */
  static MigrationRecord awaitOther(Node node, String id, String... states) {
    List<String> wanted = List.of(states);
    return await()
        .atMost(Duration.ofMinutes(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                node.module.migrations().all().stream()
                    .filter(r -> !r.id().equals(id) && wanted.contains(r.state()))
                    .findFirst(),
            java.util.Optional::isPresent)
        .orElseThrow();
  }

  @Test
  void everySessionArrivesWithItsMessagesAndWhatTheAgentWroteMeanwhileFollows() throws Exception {
    SessionConfig config =
        SessionConfig.defaults().withChunkSize(64 * 1024).withBandwidth(512 * 1024);
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
      TranscriptGrower grower = new TranscriptGrower(source.claw.layout().agentDatabase("main"));
      grower.grow("agent:main:alpha", 5_000);

      MigrationRecord started =
          source.module.migrations().start(target.url(), target.keyFile(), null);

      // The agent keeps writing while the bulk is on its way (bandwidth-capped to a few seconds).
      await()
          .atMost(Duration.ofMinutes(20))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> source.module.migrations().find(started.id()).orElseThrow(),
              r ->
                  "FAILED".equals(r.state())
                      || ("TRANSFERRING".equals(r.state())
                          && "bulk".equals(r.phase())
                          && r.bytesDone() > 0));
      long before = System.nanoTime();
      TranscriptGrower.Grown meanwhile = grower.grow("agent:main:beta", 500);
      Duration writerTook = Duration.ofNanos(System.nanoTime() - before);

      MigrationRecord done = awaitState(source, started.id(), "ACTIVE");
      assertThat(done.state()).as(done.reason()).isEqualTo("ACTIVE");
      assertThat(writerTook)
          .as("the agent's write during the export")
          .isLessThan(Duration.ofSeconds(5));
      MigrationRecord there = target.module.migrations().find(started.id()).orElseThrow();
      assertThat(there.state()).isEqualTo("ACTIVE");

      Map<String, SessionDigest> expected = digests(source);
      Map<String, SessionDigest> actual = digests(target);
      assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
      expected.forEach(
          (key, d) -> assertThat(actual.get(key).sameContent(d)).as("session " + key).isTrue());
      assertThat(actual.get("agent:main:alpha").messages()).isEqualTo(2 + 10_000);
      assertThat(actual.get("agent:main:beta").messages()).isEqualTo(meanwhile.messagesAfter());
      assertThat(target.claw.sessionKeys()).contains("agent:main:alpha", "agent:main:beta");

      PrimaryGuard fence = source.extensions.primaryGuards().find("session.fence").orElseThrow();
      assertThat(fence.refusal())
          .hasValueSatisfying(r -> assertThat(r).contains("nxs session unfence"));
      assertThat(target.extensions.primaryGuards().find("session.fence").orElseThrow().refusal())
          .isEmpty();
      source.module.migrations().unfence("test");
      assertThat(fence.refusal()).isEmpty();
    }
  }
}
