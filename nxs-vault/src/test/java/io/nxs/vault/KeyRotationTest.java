package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.audit.AuditEntry;
import io.nxs.audit.AuditQuery;
import io.nxs.core.Json;
import io.nxs.core.state.SecureFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rotation of the vault key (SPEC SEC5, ADR 0152). */
class KeyRotationTest {

  private final VaultFixture f = new VaultFixture();

  @AfterEach
  void close() {
    f.close();
  }

  private VaultConfig twoTargets() {
    return VaultConfig.defaults()
        .withTargets(
            List.of(
                new VaultConfig.Target("local", "backups"),
                new VaultConfig.Target("local", "backups2")));
  }

  private String backUp(Vault vault, String memory) throws IOException {
    Files.writeString(f.agent.resolve("MEMORY.md"), memory);
    f.clock.advance(Duration.ofHours(1));
    return vault.create(Progress.NONE).snapshot().id();
  }

  private static String memoryOf(Vault vault, String snapshot, Path to) throws IOException {
    vault.restore(snapshot, to, "files/agent/MEMORY.md", Progress.NONE);
    return Files.readString(to.resolve("files/agent/MEMORY.md"));
  }

  /** What another machine sees with only the key file and one target. */
  private static void assertRestoresAlone(
      Path keyFile, Path target, List<String> ids, List<String> memories) throws IOException {
    try (VaultFixture other = new VaultFixture()) {
      Files.createDirectories(other.home.resolve("keys"));
      Files.copy(keyFile, other.home.resolve("keys/vault.key"));
      Vault there =
          other.vault(
              VaultConfig.defaults()
                  .withTargets(List.of(new VaultConfig.Target("local", target.toString()))));
      for (int i = 0; i < ids.size(); i++) {
        assertThat(memoryOf(there, ids.get(i), other.home.resolve("r" + i)))
            .isEqualTo(memories.get(i));
      }
      there.close();
    }
  }

  @Test
  void snapshotsFromBeforeAndAfterEachRotationRestoreAndVerify() throws Exception {
    Vault vault = f.vault(twoTargets());
    String first = backUp(vault, "one");
    String oldKey = Files.readString(vault.keyFile());

    KeyRotationResult plain = vault.rotateKey("yearly rotation", false);
    String second = backUp(vault, "two");
    KeyRotationResult fresh = vault.rotateKey("laptop stolen", true);
    String third = backUp(vault, "three");

    assertThat(plain.generation()).isEqualTo(1);
    assertThat(plain.dataKey()).isZero();
    assertThat(plain.masterRotated()).isTrue();
    assertThat(fresh.generation()).isEqualTo(2);
    assertThat(fresh.dataKey()).isEqualTo(1);
    assertThat(fresh.dataKeys()).isEqualTo(2);
    assertThat(Files.readString(vault.keyFile())).isNotEqualTo(oldKey);
    assertThat(SecureFiles.permissions(vault.keyFile())).isEqualTo("rw-------");
    assertThat(f.home.resolve("keys/vault.key.old")).doesNotExist();
    assertThat(memoryOf(vault, first, f.home.resolve("r1"))).isEqualTo("one");
    assertThat(memoryOf(vault, second, f.home.resolve("r2"))).isEqualTo("two");
    assertThat(memoryOf(vault, third, f.home.resolve("r3"))).isEqualTo("three");
    assertThat(vault.verify("all", true, Progress.NONE).problems()).isEmpty();
    vault.close();
    assertRestoresAlone(
        vault.keyFile(),
        f.home.resolve("backups2"),
        List.of(first, second, third),
        List.of("one", "two", "three"));
  }

  @Test
  void rotationsAreAuditedWithTheirReasonAndNoKeyMaterial() throws Exception {
    Vault vault = f.vault();
    backUp(vault, "one");
    String oldKey = Files.readString(vault.keyFile()).strip();

    vault.rotateKey("yearly rotation", false);
    vault.rotateKey("laptop stolen", true);

    List<AuditEntry> rotations = f.audit.query(AuditQuery.parse(null, "vault.key_rotated", null));
    assertThat(rotations)
        .extracting(e -> e.details().get("reason"))
        .containsExactlyInAnyOrder("yearly rotation", "laptop stolen");
    String logged = Json.write(rotations);
    assertThat(logged)
        .doesNotContain(oldKey)
        .doesNotContain(Files.readString(vault.keyFile()).strip());
  }

  @Test
  void theOldKeyIsRefusedClearlyAfterARotationAndABlankReasonChangesNothing() throws Exception {
    Vault vault = f.vault();
    String first = backUp(vault, "one");
    byte[] oldKey = Files.readAllBytes(vault.keyFile());

    assertThatThrownBy(() -> vault.rotateKey("  ", false))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("needs a reason");
    assertThat(Files.readAllBytes(vault.keyFile())).isEqualTo(oldKey);
    assertThat(f.repo().resolve("keyring")).doesNotExist();

    vault.rotateKey("yearly rotation", false);
    vault.close();
    Files.write(vault.keyFile(), oldKey);
    Vault withOldKey = f.vault();

    assertThatThrownBy(() -> withOldKey.restore(first, f.home.resolve("r"), null, Progress.NONE))
        .isInstanceOf(WrongKeyException.class)
        .hasMessageContaining("does not open the repository");
    assertThat(f.home.resolve("r")).doesNotExist();
  }

  @Test
  void aRotationKilledAfterTheFirstTargetLeavesEverythingReadableAndFinishesWhenRunAgain()
      throws Exception {
    // What a rotation killed after re-wrapping the first target leaves behind: the new key in
    // vault.key, the old one in vault.key.old, the first target re-wrapped, the second not yet.
    Vault vault = f.vault(twoTargets());
    String first = backUp(vault, "one");
    byte[] oldKey = Files.readAllBytes(vault.keyFile());
    vault.close();
    Vault firstOnly = f.vault();
    firstOnly.rotateKey("yearly rotation", false);
    firstOnly.close();
    SecureFiles.writeAtomically(f.home.resolve("keys/vault.key.old"), oldKey);
    assertThat(f.home.resolve("backups2/keyring")).doesNotExist();

    Vault interrupted = f.vault(twoTargets());
    assertThat(memoryOf(interrupted, first, f.home.resolve("r1"))).isEqualTo("one");
    String second = backUp(interrupted, "two");
    assertThat(interrupted.list()).extracting(SnapshotInfo::id).containsExactly(first, second);

    KeyRotationResult finished = interrupted.rotateKey("finish the yearly rotation", false);

    assertThat(finished.resumed()).isTrue();
    assertThat(finished.targets()).hasSize(2);
    assertThat(f.home.resolve("keys/vault.key.old")).doesNotExist();
    assertThat(f.home.resolve("backups2/keyring")).exists();
    interrupted.close();
    assertRestoresAlone(
        interrupted.keyFile(),
        f.home.resolve("backups2"),
        List.of(first, second),
        List.of("one", "two"));
  }

  @Test
  void anUnreachableTargetRefusesTheRotationAndChangesNothing() throws Exception {
    Vault vault = f.vault(twoTargets());
    backUp(vault, "one");
    byte[] key = Files.readAllBytes(vault.keyFile());
    Files.writeString(f.home.resolve("blocked"), "a file where a target should be");
    vault.close();
    Vault blocked =
        f.vault(
            VaultConfig.defaults()
                .withTargets(
                    List.of(
                        new VaultConfig.Target("local", "backups"),
                        new VaultConfig.Target("local", "blocked"))));

    assertThatThrownBy(() -> blocked.rotateKey("yearly rotation", false))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("every target must be reachable");
    assertThat(Files.readAllBytes(blocked.keyFile())).isEqualTo(key);
    assertThat(f.home.resolve("keys/vault.key.old")).doesNotExist();
    assertThat(f.repo().resolve("keyring")).doesNotExist();
  }

  @Test
  void aPassphraseVaultStartsANewDataKeyButRefusesAPlainRotation() throws Exception {
    String variable = "NXS_TEST_VAULT_PASSPHRASE";
    Map<String, String> env = Map.of(variable, "correct horse battery staple");
    Vault vault = f.vault(VaultConfig.defaults().withPassphraseEnv(variable)).environment(env);
    String first = backUp(vault, "one");

    assertThatThrownBy(() -> vault.rotateKey("yearly rotation", false))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("--new-data-key");
    KeyRotationResult fresh = vault.rotateKey("passphrase seen on a screen share", true);
    String second = backUp(vault, "two");

    assertThat(fresh.masterRotated()).isFalse();
    assertThat(fresh.keyFile()).isNull();
    assertThat(vault.keyFile()).doesNotExist();
    assertThat(memoryOf(vault, first, f.home.resolve("r1"))).isEqualTo("one");
    assertThat(memoryOf(vault, second, f.home.resolve("r2"))).isEqualTo("two");
  }

  @Test
  void aRepositoryWrittenBeforeKeyRingsIsReadThenRotatedAndStaysReadable() throws Exception {
    copyFixture("vault-format1/repo", f.repo());
    Files.createDirectories(f.home.resolve("keys"));
    copyResource("vault-format1/vault.key", f.home.resolve("keys/vault.key"));
    Vault vault = f.vault();
    String old = vault.list().getFirst().id();

    assertThat(memoryOf(vault, old, f.home.resolve("r1")))
        .isEqualTo("written by the format-1 vault\n");
    vault.rotateKey("migrate to a key ring", true);
    String fresh = backUp(vault, "after the rotation");

    assertThat(memoryOf(vault, old, f.home.resolve("r2")))
        .isEqualTo("written by the format-1 vault\n");
    assertThat(memoryOf(vault, fresh, f.home.resolve("r3"))).isEqualTo("after the rotation");
    assertThat(vault.verify("all", true, Progress.NONE).problems()).isEmpty();
  }

  private static void copyFixture(String resource, Path to) throws IOException {
    for (String rel : listing(resource)) {
      Path dest = to.resolve(rel);
      Files.createDirectories(dest.getParent());
      copyResource(resource + "/" + rel, dest);
    }
  }

  private static List<String> listing(String resource) throws IOException {
    Path root;
    try {
      root = Path.of(KeyRotationTest.class.getClassLoader().getResource(resource).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IOException(e);
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).toList();
    }
  }

  private static void copyResource(String resource, Path to) throws IOException {
    try (InputStream in = KeyRotationTest.class.getClassLoader().getResourceAsStream(resource)) {
      Files.write(to, in.readAllBytes());
    }
  }
}
