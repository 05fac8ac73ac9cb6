package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.state.CorruptStateException;
import io.nxs.core.state.StateStore;
import io.nxs.vault.internal.Repository;
import io.nxs.vault.internal.SqliteCopy;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StateRecoveryTest {

  private final VaultFixture f = new VaultFixture();

  @AfterEach
  void close() {
    f.close();
  }

  private void corruptStateDb() throws Exception {
    f.audit.close();
    Path db = f.home.resolve("state.db");
    // Overwrite pages after the header: the b-trees no longer parse.
    try (RandomAccessFile raf = new RandomAccessFile(db.toFile(), "rw")) {
      for (long pos = 4096; pos < raf.length(); pos += 512) {
        raf.seek(pos);
        raf.write("garbage garbage garbage garbage".getBytes());
      }
    }
    Files.deleteIfExists(f.home.resolve("state.db-wal"));
    Files.deleteIfExists(f.home.resolve("state.db-shm"));
  }

  @Test
  void corruptStateIsMovedAsideAndRestoredFromTheNewestGoodSnapshot() throws Exception {
    f.execute("INSERT INTO agent_notes (body) VALUES ('kept by the backup')");
    Vault vault = f.vault();
    String id = vault.create(Progress.NONE).snapshot().id();
    corruptStateDb();
    assertThatThrownBy(() -> StateStore.open(f.home.resolve("state.db")))
        .isInstanceOf(CorruptStateException.class);

    StateRecovery.Recovered r =
        new StateRecovery(f.home.path(), VaultConfig.defaults(), f.clock)
            .recover(f.home.resolve("state.db"), Progress.NONE);

    assertThat(r.snapshot()).isEqualTo(id);
    assertThat(r.movedAside()).exists();
    assertThat(SqliteCopy.integrityCheck(f.home.resolve("state.db"))).containsExactly("ok");
    StateStore reopened = StateStore.open(f.home.resolve("state.db"));
    try (var c = reopened.connect();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT body FROM agent_notes")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("kept by the backup");
    }
  }

  @Test
  void aDamagedNewestSnapshotIsSkippedForTheOneBefore() throws Exception {
    Vault vault = f.vault();
    String older = vault.create(Progress.NONE).snapshot().id();
    f.clock.advance(Duration.ofHours(1));
    String newer = vault.create(Progress.NONE).snapshot().id();
    Manifest m = BackupTest.manifest(vault, newer);
    String blob = BackupTest.entry(m, Vault.STATE_DB_PATH).chunks().getFirst().id();
    Files.write(f.repo().resolve(Repository.blobKey(blob)), new byte[] {0});
    corruptStateDb();

    StateRecovery.Recovered r =
        new StateRecovery(f.home.path(), VaultConfig.defaults(), f.clock)
            .recover(f.home.resolve("state.db"), Progress.NONE);

    assertThat(r.snapshot()).isEqualTo(older);
    assertThat(r.skipped()).singleElement().asString().startsWith(newer);
  }

  @Test
  void withoutAnySnapshotRecoveryStopsWithAClearMessageAndChangesNothing() throws Exception {
    f.vault().repositories();
    corruptStateDb();
    byte[] before = Files.readAllBytes(f.home.resolve("state.db"));

    assertThatThrownBy(
            () ->
                new StateRecovery(f.home.path(), VaultConfig.defaults(), f.clock)
                    .recover(f.home.resolve("state.db"), Progress.NONE))
        .hasMessageContaining("there is no snapshot to recover");
    assertThat(Files.readAllBytes(f.home.resolve("state.db"))).isEqualTo(before);
  }

  @Test
  void aPassphraseVaultRecoversTheStateDatabaseWithNoKeyFile() throws Exception {
    f.execute("INSERT INTO agent_notes (body) VALUES ('kept under a passphrase')");
    VaultConfig config = VaultConfig.defaults().withPassphraseEnv("NXS_VAULT_PASSPHRASE");
    java.util.Map<String, String> env =
        java.util.Map.of("NXS_VAULT_PASSPHRASE", "a long enough passphrase");
    String id = f.vault(config).environment(env).create(Progress.NONE).snapshot().id();
    corruptStateDb();

    StateRecovery.Recovered r =
        new StateRecovery(f.home.path(), config, f.clock, env)
            .recover(f.home.resolve("state.db"), Progress.NONE);

    assertThat(r.snapshot()).isEqualTo(id);
    assertThat(f.home.resolve("keys/vault.key")).doesNotExist();
    assertThat(SqliteCopy.integrityCheck(f.home.resolve("state.db"))).containsExactly("ok");
  }
}
