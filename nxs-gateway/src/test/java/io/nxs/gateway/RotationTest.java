package io.nxs.gateway;

import static io.nxs.gateway.GatewayFixture.chat;
import static io.nxs.gateway.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.nxs.core.state.SecureFiles;
import io.nxs.testkit.upstream.FakeUpstream;
import io.nxs.testkit.upstream.Script;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Credential rotation with overlap, promotion, extension, emergency, hot reload (GW7). */
class RotationTest {

  private static final String OLD = "old-key-aaaa-1111";
  private static final String NEW = "new-key-bbbb-2222";

  private final FakeUpstream a = FakeUpstream.start("a");
  private final FakeUpstream b = FakeUpstream.start("b");
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private GatewayFixture f;

  @BeforeEach
  void start() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    logs.start();
    f =
        GatewayFixture.start(
            GatewayFixture.providers(a, b).replace("api_key: key-of-a", "api_key: " + OLD));
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    f.close();
    a.close();
    b.close();
  }

  private HttpResponse<String> rotate(String key, boolean emergency) throws Exception {
    return f.postAdmin(
        "/api/v1/providers/a/rotate", "{\"key\":\"" + key + "\",\"emergency\":" + emergency + "}");
  }

  private String lastKeyAtA() {
    return a.requests().getLast().header("authorization");
  }

  private String credentialState() throws Exception {
    return json(f.get("/api/v1/providers", f.key).body())
        .at("/providers/0/credential/state")
        .asText();
  }

  private Path secrets() {
    return f.home.resolve("secrets.yaml");
  }

  @Test
  void duringTheOverlapTheNewKeyGoesFirstAndTheOldOneCatchesA401() throws Exception {
    assertThat(rotate(NEW, false).statusCode()).isEqualTo(200);
    a.always(Script.rejectKey(NEW));

    HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("a");
    assertThat(r.headers().firstValue("x-nxs-attempts").orElseThrow())
        .matches("a=auth_failed;\\d+ms, a=ok;\\d+ms");
    assertThat(a.requests())
        .extracting(q -> q.header("authorization"))
        .containsExactly("Bearer " + NEW, "Bearer " + OLD);
    assertThat(f.events(GatewayEvent.CredentialFailed.class))
        .singleElement()
        .satisfies(e -> assertThat(e.credential()).isEqualTo("next"));
    assertThat(f.events(GatewayEvent.CredentialSwitched.class))
        .extracting(GatewayEvent.CredentialSwitched::reason)
        .anyMatch(reason -> reason.contains("HTTP 401"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !f.auditEntries("security.credential_failure").isEmpty());
    assertThat(SecureFiles.permissions(secrets())).isEqualTo("rw-------");
  }

  @Test
  void afterTheOverlapAHealthyNewKeyIsPromotedAndTheOldOneRetired() throws Exception {
    rotate(NEW, false);
    for (int i = 0; i < 5; i++) {
      assertThat(f.post("/v1/chat/completions", chat("nxs-auto")).statusCode()).isEqualTo(200);
    }
    f.clock.advance(Duration.ofHours(23));
    f.module.gateway().maintainCredentials();
    assertThat(credentialState()).isEqualTo("overlap");

    f.clock.advance(Duration.ofHours(2));
    f.module.gateway().maintainCredentials();

    assertThat(credentialState()).isEqualTo("single");
    String file = Files.readString(secrets());
    assertThat(file)
        .contains("api_key: \"" + NEW + "\"")
        .doesNotContain("api_key_next")
        .doesNotContain(OLD);
    a.always(Script.rejectKey(NEW));
    HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));
    assertThat(r.headers().firstValue("x-nxs-attempts").orElseThrow())
        .startsWith("a=auth_failed;")
        .contains("b=ok");
    assertThat(lastKeyAtA()).isEqualTo("Bearer " + NEW);
  }

  @Test
  void aNewKeyBelowTheSuccessRateHasItsOverlapExtendedWithAnAlert() throws Exception {
    rotate(NEW, false);
    a.always(Script.rejectKey(NEW));
    for (int i = 0; i < 3; i++) {
      f.post("/v1/chat/completions", chat("nxs-auto"));
    }
    f.clock.advance(Duration.ofHours(25));

    f.module.gateway().maintainCredentials();

    assertThat(f.events(GatewayEvent.RotationExtended.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.successRate()).isZero();
              assertThat(e.until()).isEqualTo(f.clock.instant().plus(Duration.ofHours(24)));
            });
    assertThat(credentialState()).isEqualTo("overlap");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !f.auditEntries("provider.rotation_extended").isEmpty());
  }

  @Test
  void emergencyRotationSwitchesAtOnceAndAuditsAKeyCompromise() throws Exception {
    HttpResponse<String> r = rotate(NEW, true);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).doesNotContain(NEW);
    f.post("/v1/chat/completions", chat("nxs-auto"));
    assertThat(a.requests())
        .extracting(q -> q.header("authorization"))
        .containsExactly("Bearer " + NEW);
    assertThat(f.auditEntries("security.key_compromise"))
        .singleElement()
        .satisfies(e -> assertThat(e.toString()).doesNotContain(NEW).doesNotContain(OLD));
    assertThat(Files.readString(secrets())).doesNotContain(OLD);
  }

  @Test
  void anEditedSecretsFileIsHotReloaded() throws Exception {
    Files.writeString(secrets(), "providers:\n  a:\n    api_key: edited-key-3333\n");

    f.module.gateway().maintainCredentials();
    f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(lastKeyAtA()).isEqualTo("Bearer edited-key-3333");
  }

  @Test
  void theVaultsCredentialsInTheSecretsFileAreAcceptedAndSurviveARotation() throws Exception {
    Files.writeString(
        secrets(),
        "providers:\n  a:\n    api_key: edited-key-3333\n"
            + "vault:\n  s3:\n    nxs-backups:\n      access_key: vault-access-6666\n      secret_key: vault-secret-7777\n");
    f.module.gateway().maintainCredentials();
    f.post("/v1/chat/completions", chat("nxs-auto"));
    assertThat(lastKeyAtA()).isEqualTo("Bearer edited-key-3333");

    rotate(NEW, true);

    String after = Files.readString(secrets());
    assertThat(after).contains(NEW).contains("nxs-backups").contains("vault-secret-7777");
  }

  @Test
  void aBrokenSecretsFileIsRejectedAndTheLastGoodOneKept() throws Exception {
    rotate(NEW, true);
    String good = Files.readString(secrets());
    Files.writeString(secrets(), "providers:\n  a:\n    api_key: [broken-key-4444\n");

    f.module.gateway().maintainCredentials();
    f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(lastKeyAtA()).isEqualTo("Bearer " + NEW);
    assertThat(Files.readString(secrets())).isEqualTo(good);
    assertThat(secrets().resolveSibling("secrets.yaml.rejected")).exists();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !f.auditEntries("provider.secrets_rejected").isEmpty());
    assertThat(f.auditEntries("provider.secrets_rejected").toString())
        .doesNotContain("broken-key-4444");
  }

  @Test
  void aSecretsFileNamingAnUnknownProviderIsRejected() throws Exception {
    Files.writeString(secrets(), "providers:\n  nobody:\n    api_key: some-key-5555\n");

    f.module.gateway().maintainCredentials();
    f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(lastKeyAtA()).isEqualTo("Bearer " + OLD);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !f.auditEntries("provider.secrets_rejected").isEmpty());
    assertThat(
            f.auditEntries("provider.secrets_rejected")
                .getFirst()
                .details()
                .get("reason")
                .toString())
        .contains("providers.nobody: no such provider");
  }

  @Test
  void noKeyReachesALogOrAnErrorBody() throws Exception {
    rotate(NEW, false);
    a.always(Script.status(401));
    b.kill();

    HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));
    HttpResponse<String> bad = rotate(NEW, false);
    Files.writeString(secrets(), "providers:\n  a:\n    api_key: \"with space " + OLD + "\"\n");
    f.module.gateway().maintainCredentials();

    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(bad.statusCode()).isEqualTo(400);
    List<String> everything =
        new java.util.ArrayList<>(List.of(r.body(), bad.body(), r.headers().map().toString()));
    logs.list.forEach(
        e ->
            everything.add(
                e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage())));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !f.auditEntries("provider.secrets_rejected").isEmpty());
    String audit = f.auditEntries(null).toString();
    assertThat(audit).contains("security.credential_failure");
    everything.add(audit);
    assertThat(everything)
        .noneMatch(s -> s.contains(OLD) || s.contains(NEW) || s.contains("key-of-b"));
    assertThat(logs.list).anyMatch(e -> e.getFormattedMessage().contains("rejected a change"));
  }
}
