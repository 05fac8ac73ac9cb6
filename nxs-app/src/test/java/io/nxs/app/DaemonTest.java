package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.state.CorruptStateException;
import io.nxs.core.state.SecureFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon started in-process on a temporary home, over real HTTP. */
class DaemonTest {

  @TempDir Path dir;

  private final HttpClient client = HttpClient.newHttpClient();

  private NxsHome homeOnFreePort() throws Exception {
    NxsHome home = new NxsHome(dir.resolve("home"));
    home.initialize();
    String yaml = Files.readString(home.config()).replace("port: 8787", "port: 0");
    Files.writeString(home.config(), yaml);
    return home;
  }

  private HttpResponse<String> get(Daemon d, String path, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void firstStartWritesCommentedDefaultsThatLoad() {
    NxsHome home = new NxsHome(dir.resolve("fresh"));

    assertThat(home.initialize()).isTrue();
    assertThat(home.initialize()).isFalse();

    assertThat(home.config()).content().contains("# ").contains("host: 127.0.0.1");
    ConfigCheck.check(home.config(), Map.of());
    assertThat(SecureFiles.permissions(home.dir())).isEqualTo("rwx------");
  }

  @Test
  void firstStartCreatesPrivateStateAndKeysAndServes() throws Exception {
    NxsHome home = homeOnFreePort();

    try (Daemon d = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      assertThat(SecureFiles.permissions(home.stateDb())).isEqualTo("rw-------");
      assertThat(SecureFiles.permissions(home.adminKey())).isEqualTo("rw-------");
      try (var keys = Files.list(home.keys())) {
        assertThat(keys)
            .allSatisfy(
                k -> {
                  if (!k.toString().endsWith(".pub")) {
                    assertThat(SecureFiles.permissions(k)).isEqualTo("rw-------");
                  }
                });
      }
      String admin = Files.readString(home.adminKey()).strip();

      assertThat(get(d, "/healthz", null).statusCode()).isEqualTo(200);
      HttpResponse<String> ready = get(d, "/readyz", null);
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("\"audit\"");
      assertThat(get(d, "/api/v1/keys", admin).statusCode()).isEqualTo(200);
      assertThat(get(d, "/api/v1/audit?since=1h&type=nxs.*", admin).body()).contains("nxs.start");
    }
  }

  @Test
  void aStartMigratesInOnePassTheModulesThatAlwaysRunAndLeavesTheOffClusterAndSyncWithoutTables()
      throws Exception {
    NxsHome home = homeOnFreePort();
    List<String> modules =
        List.of("core", "audit", "gateway", "vault", "session", "score", "drills", "doctor");

    try (Daemon d = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      assertThat(strings(d, "SELECT name FROM sqlite_master WHERE name LIKE '%_schema_history'"))
          .containsExactlyInAnyOrderElementsOf(
              modules.stream().map(m -> m + "_schema_history").toList());
      assertThat(strings(d, "SELECT module FROM nxs_schema_fingerprints"))
          .containsExactlyInAnyOrderElementsOf(modules);
    }
    try (Daemon d = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      assertThat(strings(d, "SELECT version FROM gateway_schema_history ORDER BY installed_rank"))
          .as("a restart runs no script again")
          .containsExactly("0", "1", "2");
    }
  }

  private static List<String> strings(Daemon d, String query) throws Exception {
    List<String> found = new ArrayList<>();
    try (Connection c = d.store().connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        found.add(rs.getString(1));
      }
    }
    return found;
  }

  @Test
  void restartKeepsTheBootstrapKeyAndEachRunSaysWhereItListensWhileItRuns() throws Exception {
    NxsHome home = homeOnFreePort();
    String first;
    try (Daemon d = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      first = Files.readString(home.adminKey());
      assertThat(DaemonAddress.read(home))
          .hasValueSatisfying(
              a -> {
                assertThat(a.url()).hasToString("http://127.0.0.1:" + d.port());
                assertThat(a.pid()).isEqualTo(ProcessHandle.current().pid());
              });
    }
    assertThat(DaemonAddress.file(home)).doesNotExist();
    try (Daemon d = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      assertThat(Files.readString(home.adminKey())).isEqualTo(first);
      assertThat(get(d, "/api/v1/keys", first.strip()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void corruptStateStopsTheStartNamingTheFile() throws Exception {
    NxsHome home = homeOnFreePort();
    Files.write(home.stateDb(), "garbage, not a database ".repeat(400).getBytes());

    assertThatThrownBy(() -> Daemon.start(home, Map.of(), Clock.systemUTC()))
        .isInstanceOf(CorruptStateException.class)
        .hasMessageContaining(home.stateDb().toString());
  }

  @Test
  void invalidConfigStopsTheStartWithItsLocation() throws Exception {
    NxsHome home = homeOnFreePort();
    Files.writeString(home.config(), "server:\n  port: 0\n  colour: blue\n");

    assertThatThrownBy(() -> Daemon.start(home, Map.of(), Clock.systemUTC()))
        .hasMessageStartingWith("nxs.yaml:3:3: server.colour: unknown key");
  }
}
