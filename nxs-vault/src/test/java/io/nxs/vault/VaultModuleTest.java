package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nxs.audit.AuditEntry;
import io.nxs.audit.AuditQuery;
import io.nxs.core.Json;
import io.nxs.core.auth.ApiKeyStore;
import io.nxs.core.auth.AuthFailureLimiter;
import io.nxs.core.auth.Scope;
import io.nxs.core.config.NxsConfig;
import io.nxs.core.event.EventBus;
import io.nxs.core.ext.BackupSource;
import io.nxs.core.ext.Extensions;
import io.nxs.core.ext.HealingAction;
import io.nxs.core.ext.HealthSource;
import io.nxs.core.http.HttpServer;
import io.nxs.core.http.ServerConfig;
import io.nxs.core.metrics.Metrics;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.openclaw.OpenClawConfig;
import io.nxs.vault.internal.SqliteCopy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The module in a real HTTP server on loopback, with a real key store and audit log. */
class VaultModuleTest {

  private final VaultFixture f = new VaultFixture();
  private final Extensions extensions = new Extensions();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final HttpClient client = HttpClient.newHttpClient();
  private VaultModule module;
  private HttpServer http;
  private String admin;
  private String reader;

  @BeforeEach
  void start() {
    extensions
        .backupSources()
        .register(
            new BackupSource() {
              @Override
              public String name() {
                return "gateway";
              }

              @Override
              public void exportTo(Path dir) throws java.io.IOException {
                Files.writeString(dir.resolve("usage.json"), "{\"tokens\":42}");
              }
            });
    VaultConfig config =
        new VaultConfig(
            List.of(new VaultConfig.Source(f.agent.toString(), null, null)),
            false,
            null,
            null,
            null,
            VaultConfig.Schedule.of(Duration.ZERO, Duration.ZERO, Duration.ZERO),
            null);
    PrometheusMeterRegistry metrics = Metrics.prometheus();
    module = new VaultModule();
    module.start(
        new ModuleContext(
            f.home.path(),
            new NxsConfig("test", Map.of("vault", config, "openclaw", OpenClawConfig.defaults())),
            f.store,
            f.audit,
            new EventBus(),
            metrics,
            extensions,
            f.clock,
            scheduler));
    ApiKeyStore keys = new ApiKeyStore(f.store, f.audit, f.clock);
    admin = keys.create(Scope.ADMIN, "admin", null, "test").secret();
    reader = keys.create(Scope.READ, "reader", null, "test").secret();
    http =
        new HttpServer(
                new ServerConfig("127.0.0.1", 0, Duration.ofSeconds(2)),
                keys,
                new AuthFailureLimiter(f.clock),
                f.audit,
                metrics,
                extensions.readinessChecks(),
                module.routes())
            .start();
  }

  @AfterEach
  void stop() {
    client.close();
    http.stop();
    module.close();
    scheduler.shutdownNow();
    f.close();
  }

  @Test
  void createListVerifyRestoreThroughTheApi() throws Exception {
    Files.writeString(f.agent.resolve("MEMORY.md"), "api memory");

    HttpResponse<String> created = post("/api/v1/backups", "", admin);
    assertThat(created.statusCode()).isEqualTo(201);
    String id = Json.mapper().readTree(created.body()).path("snapshot").path("id").asText();

    JsonNode list = Json.mapper().readTree(get("/api/v1/backups", reader).body());
    assertThat(list.path("count").asInt()).isEqualTo(1);
    assertThat(list.path("snapshots").get(0).path("id").asText()).isEqualTo(id);

    JsonNode verify =
        Json.mapper().readTree(post("/api/v1/backups/all/verify", "{\"deep\":true}", admin).body());
    assertThat(verify.path("ok").asBoolean()).isTrue();
    assertThat(verify.path("deep").asBoolean()).isTrue();

    Path to = f.home.resolve("api-restore");
    HttpResponse<String> restored =
        post(
            "/api/v1/backups/latest/restore",
            Json.write(Map.of("to", to.toString(), "file", "files/agent/MEMORY.md")),
            admin);
    assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
    assertThat(Files.readString(to.resolve("files/agent/MEMORY.md"))).isEqualTo("api memory");

    Manifest m = BackupTest.manifest(module.vault(), id);
    assertThat(m.entries()).extracting(Manifest.Entry::path).contains("gateway/usage.json");
  }

  @Test
  void readKeysCannotBackUpAndUnknownSnapshotsAre404() throws Exception {
    assertThat(post("/api/v1/backups", "", reader).statusCode()).isEqualTo(403);
    post("/api/v1/backups", "", admin);

    HttpResponse<String> missing = post("/api/v1/backups/19990101/verify", "", admin);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("no snapshot '19990101'");
    HttpResponse<String> overHome =
        post(
            "/api/v1/backups/latest/restore",
            Json.write(Map.of("to", f.home.path().toString())),
            admin);
    assertThat(overHome.statusCode()).isEqualTo(400);
    assertThat(overHome.body()).contains("refused");
  }

  @Test
  void pruneDrillAndExportRoutesRunAndReport() throws Exception {
    post("/api/v1/backups", "", admin);

    assertThat(
            Json.mapper()
                .readTree(post("/api/v1/backups/prune", "{\"dry_run\":true}", admin).body())
                .path("dry_run")
                .asBoolean())
        .isTrue();
    JsonNode drill = Json.mapper().readTree(post("/api/v1/backups/drill", "", admin).body());
    assertThat(drill.path("ok").asBoolean()).isTrue();
    assertThat(drill.path("rto_millis").asLong()).isPositive();
    Path tar = f.home.resolve("export.tar");
    assertThat(
            post("/api/v1/backups/export", Json.write(Map.of("file", tar.toString())), admin)
                .statusCode())
        .isEqualTo(200);
    assertThat(tar).isRegularFile();
  }

  @Test
  void healthIsDownUntilAVerifiedBackupAndDownAgainPastTheRpo() {
    HealthSource health = extensions.healthSources().find("vault").orElseThrow();
    assertThat(health.check().status()).isEqualTo(HealthSource.Status.DOWN);

    module.vault().create(Progress.NONE);
    module.vault().verify("latest", false, Progress.NONE);
    // The default is one target: verified and recent, but one lost disk away from no backup.
    assertThat(health.check().status()).isEqualTo(HealthSource.Status.DEGRADED);
    assertThat(health.check().detail()).contains("one target").contains("add a second");

    f.clock.advance(Duration.ofMinutes(61));
    assertThat(health.check().status()).isEqualTo(HealthSource.Status.DOWN);
    assertThat(health.check().detail()).contains("older than the RPO");
  }

  @Test
  void levelSixHealingActionRestoresTheLiveDatabaseAndKeepsTheOldOne() throws Exception {
    f.execute("INSERT INTO agent_notes (body) VALUES ('before backup')");
    module.vault().create(Progress.NONE);
    module.vault().verify("latest", true, Progress.NONE);
    f.execute("INSERT INTO agent_notes (body) VALUES ('after backup, lost on restore')");
    HealingAction action =
        extensions.healingActions().find("vault.restore_from_backup").orElseThrow();
    assertThat(action.level()).isEqualTo(6);

    HealingAction.Outcome dry = action.execute("", true);
    assertThat(dry.success()).isTrue();
    assertThat(dry.detail()).startsWith("would restore");
    assertThat(notes()).containsExactly("before backup", "after backup, lost on restore");

    HealingAction.Outcome done = action.execute("", false);

    assertThat(done.success()).as(done.detail()).isTrue();
    assertThat(notes()).containsExactly("before backup");
    try (var list = Files.list(f.home.path())) {
      Path kept =
          list.filter(p -> p.getFileName().toString().startsWith("state.db.before-restore-"))
              .findFirst()
              .orElseThrow();
      assertThat(SqliteCopy.isDatabase(kept)).isTrue();
    }
  }

  private List<String> notes() throws Exception {
    try (Connection c = f.store.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT body FROM agent_notes ORDER BY id")) {
      List<String> out = new java.util.ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }

  private HttpResponse<String> get(String path, String key) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
            .header("Authorization", "Bearer " + key)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body, String key) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aScheduledJobResumesItsCadenceAfterARestart() {
    Instant now = Instant.parse("2026-12-01T12:00:00Z");
    Duration day = Duration.ofDays(1);

    assertThat(VaultModule.firstDelay(Optional.empty(), day, now, day))
        .as("never ran")
        .isEqualTo(day);
    assertThat(VaultModule.firstDelay(Optional.of(now.minus(Duration.ofHours(20))), day, now, day))
        .as("ran 20 h ago")
        .isEqualTo(Duration.ofHours(4));
    assertThat(VaultModule.firstDelay(Optional.of(now.minus(Duration.ofDays(40))), day, now, day))
        .as("overdue")
        .isEqualTo(VaultModule.OVERDUE_GRACE);
    assertThat(VaultModule.firstDelay(Optional.of(now.plus(Duration.ofDays(3))), day, now, day))
        .as("clock went back")
        .isEqualTo(day);
  }

  @Test
  void aFreshHomeBacksUpWithinTwoMinutesThenResumesTheHourlyCadenceFromVaultRuns() {
    Duration hour = Duration.ofHours(1);

    assertThat(
            VaultModule.firstDelay(
                module.vault().lastStarted("backup"),
                hour,
                f.clock.instant(),
                VaultModule.FIRST_BACKUP))
        .as("no backup ever ran on this home")
        .isLessThanOrEqualTo(Duration.ofMinutes(2));

    module.vault().create(Progress.NONE);
    f.clock.advance(Duration.ofMinutes(10));

    assertThat(
            VaultModule.firstDelay(
                module.vault().lastStarted("backup"),
                hour,
                f.clock.instant(),
                VaultModule.FIRST_BACKUP))
        .as("restarted 10 min after the first backup")
        .isEqualTo(Duration.ofMinutes(50));
  }

  @Test
  void adminActionsThroughTheApiAreRecordedUnderTheCallingKey() throws Exception {
    String keyId =
        new ApiKeyStore(f.store, f.audit, f.clock)
            .list().stream().filter(k -> k.name().equals("admin")).findFirst().orElseThrow().id();

    assertThat(post("/api/v1/backups", "", admin).statusCode()).isEqualTo(201);
    post("/api/v1/backups/latest/verify", "", admin);
    post("/api/v1/backups/prune", "{}", admin);

    for (String type : List.of("backup.create", "backup.verify", "backup.prune")) {
      assertThat(f.audit.query(AuditQuery.parse(null, type, null)))
          .as(type)
          .extracting(AuditEntry::actor)
          .containsExactly(keyId);
    }
  }
}
