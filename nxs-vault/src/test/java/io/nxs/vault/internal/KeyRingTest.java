package io.nxs.vault.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.vault.VaultException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRingTest {

  @TempDir Path dir;

  private VaultKey key(String name) {
    return VaultKey.loadOrCreate(dir.resolve(name));
  }

  @Test
  void aRingWrappedUnderOneMasterKeyOpensWithItAndNotWithAnother() {
    KeyRing ring = KeyRing.legacy(key("old")).next(true);
    byte[] stored = ring.write(key("new"));

    KeyRing opened = KeyRing.read(stored, key("new")).orElseThrow();

    assertThat(opened.generation()).isEqualTo(1);
    assertThat(opened.current().id()).isEqualTo(1);
    assertThat(opened.size()).isEqualTo(2);
    assertThat(KeyRing.read(stored, key("old"))).isEmpty();
    assertThat(new String(stored, StandardCharsets.UTF_8))
        .doesNotContain(java.util.Base64.getEncoder().encodeToString(ring.current().material()));
  }

  @Test
  void objectsSealedUnderEveryKeyOfTheRingStayReadableAfterNewDataKeys() {
    KeyRing legacy = KeyRing.legacy(key("k"));
    byte[] old = new Sealer(legacy).seal("blobs/a", "before".getBytes(StandardCharsets.UTF_8));
    KeyRing rotated = legacy.next(true).next(false).next(true);
    byte[] fresh = new Sealer(rotated).seal("blobs/b", "after".getBytes(StandardCharsets.UTF_8));

    Sealer reader = new Sealer(KeyRing.read(rotated.write(key("m")), key("m")).orElseThrow());

    assertThat(rotated.current().id()).isEqualTo(2);
    assertThat(new String(reader.open("blobs/a", old), StandardCharsets.UTF_8)).isEqualTo("before");
    assertThat(new String(reader.open("blobs/b", fresh), StandardCharsets.UTF_8))
        .isEqualTo("after");
    assertThat(Arrays.copyOf(old, 4)).isEqualTo("NXV2".getBytes(StandardCharsets.US_ASCII));
    assertThat(Arrays.copyOf(fresh, 4)).isEqualTo("NXV3".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> new Sealer(legacy).open("blobs/b", fresh))
        .isInstanceOf(DamagedObjectException.class)
        .hasMessageContaining("data key 2, which the repository's key ring lacks");
  }

  @Test
  void aNewDataKeyNamesTheSameContentDifferently() {
    KeyRing legacy = KeyRing.legacy(key("k"));
    byte[] content = "same chunk".getBytes(StandardCharsets.UTF_8);

    assertThat(new Sealer(legacy.next(false)).namingMac().doFinal(content))
        .isEqualTo(new Sealer(legacy).namingMac().doFinal(content));
    assertThat(new Sealer(legacy.next(true)).namingMac().doFinal(content))
        .isNotEqualTo(new Sealer(legacy).namingMac().doFinal(content));
  }

  @Test
  void aRingWithAChangedGenerationOrAnUnknownFormatIsRefused() {
    VaultKey m = key("m");
    String stored =
        new String(KeyRing.legacy(key("k")).next(false).write(m), StandardCharsets.UTF_8);

    assertThat(
            KeyRing.read(
                stored
                    .replace("\"generation\":1", "\"generation\":7")
                    .getBytes(StandardCharsets.UTF_8),
                m))
        .isEmpty();
    assertThatThrownBy(
            () ->
                KeyRing.read(
                    stored
                        .replace("\"version\":1", "\"version\":2")
                        .getBytes(StandardCharsets.UTF_8),
                    m))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("version 2, which this NXS does not read");
  }
}
