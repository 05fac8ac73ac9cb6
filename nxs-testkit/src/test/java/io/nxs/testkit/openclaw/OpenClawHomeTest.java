package io.nxs.testkit.openclaw;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.testkit.upstream.FakeUpstream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real OpenClaw 2026.9.6 against a {@link FakeUpstream}: a persisted turn, {@code sessions
 * list}, and a session grown in bulk that OpenClaw's next real turn reads back. One real turn is
 * made for the class (they take 20-50 s here).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenClawHomeTest {

  @TempDir static Path dir;

  static FakeUpstream upstream;
  static OpenClawHome claw;
  static JsonNode firstTurn;

  @BeforeAll
  static void oneRealTurn() {
    OpenClawInstall install = OpenClawInstall.assumeInstalled();
    upstream = FakeUpstream.start("claw-upstream");
    claw =
        OpenClawHome.create(
            install,
            dir.resolve("home"),
            new OpenClawHome.Provider("fake", upstream.baseUrl(), "sk-fake-0123456789", "m1"));
    firstTurn = claw.agentTurn("alpha", "first question");
  }

  @AfterAll
  static void closeUpstream() {
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  @Order(1)
  void aLocalTurnReachesTheProviderAndIsPersistedAsASession() {
    assertThat(firstTurn.at("/payloads/0/text").asText()).isEqualTo("Hello from upstream");
    assertThat(firstTurn.at("/meta/agentMeta/provider").asText()).isEqualTo("fake");
    FakeUpstream.Received request = upstream.requests().getLast();
    assertThat(request.path()).isEqualTo("/v1/chat/completions");
    assertThat(request.header("authorization")).isEqualTo("Bearer sk-fake-0123456789");
    assertThat(request.json().path("model").asText()).isEqualTo("m1");

    assertThat(claw.sessionKeys()).containsExactly("agent:main:alpha");
    assertThat(claw.sessionsList().at("/sessions/0/sessionId").asText())
        .isEqualTo(firstTurn.at("/meta/agentMeta/sessionId").asText());
    assertThat(claw.layout().agentDatabase("main")).isRegularFile();
    assertThat(claw.layout().workspace().resolve(".git")).isDirectory();
  }

  @Test
  @Order(2)
  void aGrownSessionIsReadBackByOpenClawsNextTurn() throws Exception {
    TranscriptGrower.Grown grown = claw.grow("alpha", 20);

    assertThat(grown.messagesBefore()).isEqualTo(2);
    assertThat(grown.messagesAfter()).isEqualTo(42);
    assertThat(countMessages(grown.sessionId())).isEqualTo(42);

    JsonNode next = claw.agentTurn("alpha", "after the bulk");

    assertThat(next.at("/meta/agentMeta/sessionId").asText()).isEqualTo(grown.sessionId());
    JsonNode sent = upstream.requests().getLast().json().path("messages");
    String history = sent.toString();
    assertThat(history)
        .contains("first question")
        .contains("bulk question 3")
        .contains("bulk answer 42")
        .contains("after the bulk");
    assertThat(countMessages(grown.sessionId())).isEqualTo(44);
    assertThat(claw.sessionKeys()).containsExactly("agent:main:alpha");
  }

  private static long countMessages(String sessionId) throws Exception {
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
