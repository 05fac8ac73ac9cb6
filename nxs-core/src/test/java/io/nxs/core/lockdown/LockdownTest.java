package io.nxs.core.lockdown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.NxsException;
import io.nxs.core.StepClock;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.auth.ApiKeyStore;
import io.nxs.core.auth.AuthFailureLimiter;
import io.nxs.core.auth.CreatedKey;
import io.nxs.core.auth.Scope;
import io.nxs.core.ext.ReadinessCheck;
import io.nxs.core.ext.Registry;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.http.HttpServer;
import io.nxs.core.http.ServerConfig;
import io.nxs.core.metrics.Metrics;
import io.nxs.core.state.StateStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lockdown over a real SQLite file and the real HTTP gate on loopback (SEC5). */
class LockdownTest {

  @TempDir Path home;

  private final StepClock clock = new StepClock();
  private final List<AuditEvent> audited = new CopyOnWriteArrayList<>();
  private final HttpClient client = HttpClient.newHttpClient();
  private StateStore store;
  private ApiKeyStore keys;
  private Lockdown lockdown;
  private HttpServer server;
  private CreatedKey owner;
  private CreatedKey admin;
  private CreatedKey agent;

  @BeforeEach
  void start() {
    store = StateStore.open(home.resolve("state.db"));
    store.migrate("core");
    keys = new ApiKeyStore(store, this::record, clock);
    lockdown = new Lockdown(store, this::record, clock);
    owner = keys.createOwner("bootstrap", "nxs");
    admin = keys.create(Scope.ADMIN, "ops laptop", null, "test");
    agent = keys.create(Scope.READ, "agent", null, "test");
    Registry<ReadinessCheck> readiness = new Registry<>("readiness check", ReadinessCheck::name);
    readiness.register(lockdown.readiness());
    HttpRoutes routes =
        r -> {
          r.get("/api/v1/thing", ctx -> ctx.result("read ok"));
          r.post("/api/v1/thing", ctx -> ctx.result("admin ok"), Scope.ADMIN);
          r.post("/v1/chat/completions", ctx -> ctx.result("agent ok"));
        };
    server =
        new HttpServer(
                new ServerConfig("127.0.0.1", 0, Duration.ofSeconds(2)),
                keys,
                new AuthFailureLimiter(clock),
                this::record,
                Metrics.prometheus(),
                readiness,
                List.of(routes),
                lockdown)
            .start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private long record(AuditEvent e) {
    audited.add(e);
    return audited.size();
  }

  private HttpResponse<String> send(String method, String path, CreatedKey key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (key != null) {
      b.header("Authorization", "Bearer " + key.secret());
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void inLockdownAdminRoutesAreRefusedExceptToTheOwnerKeyWhileAgentsAndReadsGoOn()
      throws Exception {
    lockdown.enter("admin key seen in a pastebin", false, "owner");

    HttpResponse<String> refused = send("POST", "/api/v1/thing", admin);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("\"code\":\"lockdown\"").contains("lockdown: ");
    assertThat(refused.body()).doesNotContain(admin.secret()).doesNotContain(owner.secret());
    assertThat(send("POST", "/api/v1/thing", owner).body()).isEqualTo("admin ok");
    assertThat(send("GET", "/api/v1/thing", admin).body()).isEqualTo("read ok");
    assertThat(send("POST", "/v1/chat/completions", agent).body()).isEqualTo("agent ok");
    assertThat(audited)
        .anySatisfy(
            e -> {
              assertThat(e.type()).isEqualTo("security.lockdown_refused");
              assertThat(e.actor()).isEqualTo(admin.key().id());
            });
  }

  @Test
  void aKeyRetryingInALoopIsAuditedOncePerIntervalWithTheCountAndTheRestAtTheLift()
      throws Exception {
    lockdown.enter("admin key seen in a pastebin", false, "owner");

    for (int i = 0; i < 5; i++) {
      assertThat(send("POST", "/api/v1/thing", admin).statusCode()).isEqualTo(403);
    }
    assertThat(refusedEntries()).hasSize(1);
    assertThat(refusedEntries().get(0).details()).doesNotContainKey("repeated");

    clock.advance(Lockdown.REFUSAL_AUDIT_EVERY);
    assertThat(send("POST", "/api/v1/thing", admin).statusCode()).isEqualTo(403);
    assertThat(refusedEntries()).hasSize(2);
    assertThat(refusedEntries().get(1).details()).containsEntry("repeated", 4L);

    assertThat(send("POST", "/api/v1/thing", admin).statusCode()).isEqualTo(403);
    assertThat(send("POST", "/api/v1/thing", admin).statusCode()).isEqualTo(403);
    assertThat(refusedEntries()).hasSize(2);
    lockdown.lift("key replaced", "owner");
    assertThat(refusedEntries()).hasSize(3);
    assertThat(refusedEntries().get(2).details()).containsEntry("repeated", 2L);
    assertThat(refusedEntries()).allSatisfy(e -> assertThat(e.actor()).isEqualTo(admin.key().id()));
  }

  private List<AuditEvent> refusedEntries() {
    return audited.stream().filter(e -> e.type().equals("security.lockdown_refused")).toList();
  }

  @Test
  void aLockdownWithTheAgentsRefusesTheGatewayTooButNotTheOwner() throws Exception {
    lockdown.enter("agent key stolen", true, "owner");

    HttpResponse<String> refused = send("POST", "/v1/chat/completions", agent);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("\"code\":\"lockdown\"");
    assertThat(send("POST", "/v1/chat/completions", owner).statusCode()).isEqualTo(200);
  }

  @Test
  void readinessStays200AndCarriesTheLockdownEntry() throws Exception {
    assertThat(send("GET", "/readyz", null).body()).contains("\"lockdown\"").contains("\"off\"");

    lockdown.enter("investigating", false, "owner");
    HttpResponse<String> ready = send("GET", "/readyz", null);

    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("LOCKDOWN since").contains("investigating");
  }

  @Test
  void liftingRestoresAdminRoutesAndBothChangesAreAuditedWithTheirReasons() throws Exception {
    lockdown.enter("suspicious login", false, "owner");
    lockdown.lift("false alarm: it was the night shift", "owner");

    assertThat(send("POST", "/api/v1/thing", admin).body()).isEqualTo("admin ok");
    assertThat(audited)
        .filteredOn(e -> e.type().startsWith("security.lockdown"))
        .extracting(e -> e.type() + " " + e.details().get("reason"))
        .containsExactly(
            "security.lockdown suspicious login",
            "security.lockdown_lifted false alarm: it was the night shift");
  }

  @Test
  void lockdownSurvivesARestart() {
    lockdown.enter("compromise", true, "owner");

    Lockdown afterRestart =
        new Lockdown(StateStore.open(home.resolve("state.db")), this::record, clock);

    assertThat(afterRestart.state().on()).isTrue();
    assertThat(afterRestart.state().agents()).isTrue();
    assertThat(afterRestart.state().reason()).isEqualTo("compromise");
  }

  @Test
  void aLockdownEnteredByAnotherProcessReachesTheDaemonWithinTheCacheTtl() throws Exception {
    assertThat(send("POST", "/api/v1/thing", admin).statusCode()).isEqualTo(200);
    Lockdown offlineCli =
        new Lockdown(StateStore.open(home.resolve("state.db")), this::record, clock);

    offlineCli.enter("entered with the daemon's API unreachable", false, "cli");
    clock.advance(Lockdown.CACHE_TTL.plusMillis(1));

    assertThat(send("POST", "/api/v1/thing", admin).statusCode()).isEqualTo(403);
  }

  @Test
  void aDatabaseThatCannotBeReadKeepsTheLastStateInsteadOfFailingEveryRequest() throws Exception {
    lockdown.enter("compromise", false, "owner");
    try (java.sql.Connection c = store.connect();
        java.sql.Statement st = c.createStatement()) {
      st.execute("ALTER TABLE lockdown RENAME TO lockdown_away");
    }
    clock.advance(Lockdown.CACHE_TTL.plusMillis(1));

    assertThat(lockdown.state().on()).isTrue();
    assertThat(send("POST", "/api/v1/thing", admin).statusCode()).isEqualTo(403);
    assertThat(send("GET", "/api/v1/thing", admin).statusCode()).isEqualTo(200);
  }

  @Test
  void enteringTwiceChangesNothingButWideningToTheAgentsIsRecorded() {
    lockdown.enter("first", false, "owner");
    lockdown.enter("second", false, "owner");
    lockdown.enter("agents too", true, "owner");

    assertThat(lockdown.state().reason()).isEqualTo("agents too");
    assertThat(audited).filteredOn(e -> e.type().equals("security.lockdown")).hasSize(2);
  }

  @Test
  void badInputIsRefusedAndChangesNothing() {
    assertThatThrownBy(() -> lockdown.enter(" ", false, "owner"))
        .isInstanceOf(NxsException.class)
        .hasMessageContaining("reason");
    assertThatThrownBy(() -> lockdown.enter("two\nlines", false, "owner"))
        .isInstanceOf(NxsException.class);
    assertThatThrownBy(() -> lockdown.lift("nothing to lift", "owner"))
        .isInstanceOf(NxsException.class)
        .hasMessage("lockdown is not on: nothing to lift");

    assertThat(lockdown.state().on()).isFalse();
    assertThat(audited).noneMatch(e -> e.type().startsWith("security.lockdown"));
  }

  @Test
  void onlyTheKeyClaimedLastIsTheOwner() {
    CreatedKey other = keys.create(Scope.ADMIN, "new admin.key", null, "test");

    assertThat(keys.claimOwner(other.secret(), "nxs")).hasValueSatisfying(k -> k.owner());
    assertThat(keys.claimOwner(agent.secret(), "nxs")).isEmpty();

    assertThat(keys.list())
        .filteredOn(k -> k.owner())
        .singleElement()
        .satisfies(k -> assertThat(k.id()).isEqualTo(other.key().id()));
  }
}
