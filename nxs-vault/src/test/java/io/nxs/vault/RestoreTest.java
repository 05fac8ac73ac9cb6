package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.vault.internal.SqliteCopy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RestoreTest {

  private final VaultFixture f = new VaultFixture();

  @AfterEach
  void close() {
    f.close();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13})
  void randomTreeRestoresByteIdenticalWithSymlinksRecordedNotFollowed(long seed) {
    RandomTree.fill(f.agent, seed, 40);
    Vault vault = f.vault();
    BackupResult backup = vault.create(Progress.NONE);
    Path to = f.home.resolve("restored");

    RestoreResult result = vault.restore(backup.snapshot().id(), to, null, Progress.NONE);

    assertThat(RandomTree.fingerprint(to.resolve("files/agent")))
        .isEqualTo(RandomTree.fingerprint(f.agent));
    assertThat(Files.isSymbolicLink(to.resolve("files/agent/link-to-nowhere"))).isTrue();
    assertThat(result.files()).isEqualTo(backup.snapshot().files());
  }

  @Test
  void oneFileRestoresAloneAndAnOlderSnapshotKeepsItsVersion() throws Exception {
    Files.writeString(f.agent.resolve("MEMORY.md"), "version one");
    Files.writeString(f.agent.resolve("other.md"), "other");
    Vault vault = f.vault();
    String first = vault.create(Progress.NONE).snapshot().id();
    Files.writeString(f.agent.resolve("MEMORY.md"), "version two");
    f.clock.advance(Duration.ofHours(1));
    vault.create(Progress.NONE);
    Path to = f.home.resolve("one");

    vault.restore(first, to, "files/agent/MEMORY.md", Progress.NONE);

    assertThat(Files.readString(to.resolve("files/agent/MEMORY.md"))).isEqualTo("version one");
    assertThat(to.resolve("files/agent/other.md")).doesNotExist();
    assertThat(
            Files.readString(
                vault
                    .restore(
                        "latest", f.home.resolve("two"), "files/agent/MEMORY.md", Progress.NONE)
                    .to()
                    .resolve("files/agent/MEMORY.md")))
        .isEqualTo("version two");
  }

  @Test
  void restoredStateDatabasePassesIntegrityCheckAndHoldsTheRows() {
    f.execute("INSERT INTO agent_notes (body) VALUES ('remember the milk')");
    Vault vault = f.vault();
    vault.create(Progress.NONE);
    Path to = f.home.resolve("scratch");

    vault.restore("latest", to, Vault.STATE_DB_PATH, Progress.NONE);

    Path db = to.resolve(Vault.STATE_DB_PATH);
    assertThat(SqliteCopy.integrityCheck(db)).containsExactly("ok");
    assertThat(to.resolve("nxs/state.db-wal")).doesNotExist();
  }

  @Test
  void restoreOverTheHomeIsRefusedWithWhatToDoInstead() {
    Vault vault = f.vault();
    vault.create(Progress.NONE);

    assertThatThrownBy(() -> vault.restore("latest", f.home.path(), null, Progress.NONE))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("refused")
        .hasMessageContaining("nxs backup recover");
  }

  @Test
  void restoreIntoANonEmptyDirectoryIsRefusedAndChangesNothing() throws Exception {
    Vault vault = f.vault();
    vault.create(Progress.NONE);
    Path to = Files.createDirectories(f.home.resolve("busy"));
    Files.writeString(to.resolve("mine.txt"), "keep me");

    assertThatThrownBy(() -> vault.restore("latest", to, null, Progress.NONE))
        .hasMessageContaining("not an empty directory");
    try (var list = Files.list(to)) {
      assertThat(list.toList()).containsExactly(to.resolve("mine.txt"));
    }
  }

  @Test
  void wrongKeyGivesAClearErrorAndRestoresNothing() throws Exception {
    RandomTree.fill(f.agent, 5, 5);
    Vault vault = f.vault();
    vault.create(Progress.NONE);
    byte[] other = new byte[32];
    new SecureRandom().nextBytes(other);
    Files.writeString(vault.keyFile(), Base64.getEncoder().encodeToString(other));
    Path to = f.home.resolve("nothing-here");

    Vault reopened = f.vault();
    assertThatThrownBy(() -> reopened.restore("latest", to, null, Progress.NONE))
        .isInstanceOf(WrongKeyException.class)
        .hasMessageContaining("vault.key")
        .hasMessageContaining("nothing was restored");
    assertThat(to).doesNotExist();
    try (var list = Files.list(f.home.path())) {
      assertThat(list.map(p -> p.getFileName().toString()).toList())
          .noneMatch(n -> n.contains("restoring"));
    }
  }

  @Test
  void unknownSnapshotOrFileIsAOneLineError() {
    Vault vault = f.vault();
    vault.create(Progress.NONE);

    assertThatThrownBy(() -> vault.restore("1999", f.home.resolve("x"), null, Progress.NONE))
        .hasMessageContaining("no snapshot '1999'");
    assertThatThrownBy(
            () -> vault.restore("latest", f.home.resolve("x"), "files/nope.md", Progress.NONE))
        .hasMessageContaining("has no file 'files/nope.md'");
    assertThat(f.home.resolve("x")).doesNotExist();
    assertThat(vault.list()).hasSize(1);
  }
}
