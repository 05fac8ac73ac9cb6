package io.nxs.testkit.openclaw;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.testkit.upstream.FakeUpstream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real OpenClaw 2026.9.6 against a {@link FakeUpstream}: a copy of the build's {@link
 * RealSessions} template (made by real turns) is OpenClaw's own store, a session grown there in
 * bulk is read back by OpenClaw's next real turn, and that turn reaches the provider and is
 * persisted. One real turn and one {@code sessions list} (each 10-50 s on this machine).
 */
class OpenClawHomeTest {

  @TempDir Path dir;

  @Test
  void aGrownSessionOfTheTemplateIsReadBackAndPersistedByOpenClawsNextRealTurn() throws Exception {
    OpenClawInstall install = OpenClawInstall.assumeInstalled();
    try (FakeUpstream upstream = FakeUpstream.start("claw-upstream")) {
      OpenClawHome claw = RealSessions.copy(install, dir.resolve("home"));
      claw.writeConfig(RealSessions.config(RealSessions.PROVIDER.of(upstream.baseUrl())));
      assertThat(claw.layout().agentDatabase("main")).isRegularFile();
      assertThat(claw.layout().workspace().resolve(".git")).isDirectory();

      TranscriptGrower.Grown grown = claw.grow("alpha", 20);

      assertThat(grown.messagesBefore()).as("the template's one real turn").isEqualTo(2);
      assertThat(grown.messagesAfter()).isEqualTo(42);
      assertThat(countMessages(claw, grown.sessionId())).isEqualTo(42);

      JsonNode next = claw.agentTurn("alpha", "after the bulk");

      assertThat(next.at("/payloads/0/text").asText()).isEqualTo("Hello from upstream");
      assertThat(next.at("/meta/agentMeta/provider").asText()).isEqualTo("fake");
      assertThat(next.at("/meta/agentMeta/sessionId").asText()).isEqualTo(grown.sessionId());
      FakeUpstream.Received request = upstream.requests().getLast();
      assertThat(request.path()).isEqualTo("/v1/chat/completions");
      assertThat(request.header("authorization")).isEqualTo("Bearer sk-fake-0123456789");
      assertThat(request.json().path("model").asText()).isEqualTo("m1");
      assertThat(request.json().path("messages").toString())
          .contains("first question for alpha")
          .contains("bulk question 3")
          .contains("bulk answer 42")
          .contains("after the bulk");
      assertThat(countMessages(claw, grown.sessionId())).isEqualTo(44);

      JsonNode listed = claw.sessionsList();
      List<String> keys = new ArrayList<>();
      listed.path("sessions").forEach(s -> keys.add(s.path("key").asText()));
      assertThat(keys).containsExactlyInAnyOrder("agent:main:alpha", "agent:main:beta");
      assertThat(listed.path("sessions"))
          .filteredOn(s -> s.path("key").asText().equals("agent:main:alpha"))
          .singleElement()
          .satisfies(s -> assertThat(s.path("sessionId").asText()).isEqualTo(grown.sessionId()));
    }
  }

  private static long countMessages(OpenClawHome claw, String sessionId) throws Exception {
    try (Connection db =
            DriverManager.getConnection("jdbc:sqlite:" + claw.layout().agentDatabase("main"));
        Statement s = db.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM session_transcript_active_events WHERE session_id = '"
                    + sessionId
                    + "' AND message_position IS NOT NULL")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
