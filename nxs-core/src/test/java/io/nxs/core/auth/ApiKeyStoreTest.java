package io.nxs.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.StepClock;
import io.nxs.core.state.StateStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key store over a real SQLite file, including what its cache of known keys may not hide. */
class ApiKeyStoreTest {

  @TempDir Path home;

  private final StepClock clock = new StepClock();
  private StateStore store;
  private ApiKeyStore daemon;

  @BeforeEach
  void open() {
    store = StateStore.open(home.resolve("state.db"));
    store.migrate("core");
    daemon = new ApiKeyStore(store, e -> 1, clock);
  }

  @Test
  void onlyTheHashOfAKeyIsStored() throws Exception {
    CreatedKey k = daemon.create(Scope.READ, "ci", null, "test");

    byte[] db = Files.readAllBytes(home.resolve("state.db"));
    assertThat(new String(db, StandardCharsets.ISO_8859_1))
        .doesNotContain(k.secret())
        .contains(ApiKeyStore.hash(k.secret()));
  }

  @Test
  void anExpiredKeyIsRefusedEvenWhileItIsRemembered() {
    CreatedKey k = daemon.create(Scope.ADMIN, "short", Duration.ofSeconds(1), "test");
    assertThat(daemon.authenticate(k.secret())).isPresent();

    clock.advance(Duration.ofMillis(1001));

    assertThat(daemon.authenticate(k.secret())).isEmpty();
  }

  @Test
  void aRevokeByAnotherProcessReachesARunningDaemonWithinTheCacheTtl() {
    CreatedKey k = daemon.create(Scope.READ, "ci", null, "test");
    assertThat(daemon.authenticate(k.secret())).isPresent();
    ApiKeyStore offlineCli =
        new ApiKeyStore(StateStore.open(home.resolve("state.db")), e -> 1, clock);

    offlineCli.revoke(k.key().id(), "cli");

    clock.advance(ApiKeyStore.CACHE_TTL.plusMillis(1));
    assertThat(daemon.authenticate(k.secret())).isEmpty();
  }

  @Test
  void aRevokeThroughTheSameStoreTakesEffectAtOnce() {
    CreatedKey k = daemon.create(Scope.READ, "ci", null, "test");
    assertThat(daemon.authenticate(k.secret())).isPresent();

    daemon.revoke(k.key().id(), "api");

    assertThat(daemon.authenticate(k.secret())).isEmpty();
  }

  @Test
  void aCompromisedKeyIsRefusedAtOnceAndAuditedWithItsReasonNeverItsSecret() {
    java.util.List<io.nxs.core.audit.AuditEvent> audited = new java.util.ArrayList<>();
    ApiKeyStore store =
        new ApiKeyStore(
            this.store,
            e -> {
              audited.add(e);
              return audited.size();
            },
            clock);
    CreatedKey k = store.create(Scope.ADMIN, "ci", null, "test");
    assertThat(store.authenticate(k.secret())).isPresent();

    store.revoke(k.key().id(), "owner", "printed in a CI log", true);

    assertThat(store.authenticate(k.secret())).isEmpty();
    assertThat(audited)
        .filteredOn(e -> e.type().equals("security.key_compromise"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.target()).isEqualTo(k.key().id());
              assertThat(e.details()).containsEntry("reason", "printed in a CI log");
            });
    assertThat(audited.toString()).doesNotContain(k.secret());
  }

  @Test
  void aCompromiseWithoutAReasonIsRefusedAndTheKeyStaysValid() {
    CreatedKey k = daemon.create(Scope.READ, "ci", null, "test");

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> daemon.revoke(k.key().id(), "owner", null, true))
        .hasMessageContaining("needs a reason");

    assertThat(daemon.authenticate(k.secret())).isPresent();
  }

  @Test
  void malformedOrUnknownTokensAreRefused() {
    assertThat(daemon.authenticate(null)).isEmpty();
    assertThat(daemon.authenticate("Bearer nope")).isEmpty();
    assertThat(daemon.authenticate(ApiKeyStore.PREFIX + "x".repeat(300))).isEmpty();
    assertThat(daemon.authenticate(ApiKeyStore.PREFIX + "unknown")).isEmpty();
  }
}
