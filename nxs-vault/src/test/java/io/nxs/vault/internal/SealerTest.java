package io.nxs.vault.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SealerTest {

  private static final int SEG = 4 * 1024;

  @TempDir Path dir;

  private Sealer sealer(String name) {
    return new Sealer(KeyRing.legacy(VaultKey.loadOrCreate(dir.resolve(name))));
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 64, 65, SEG - 1, SEG, SEG + 1, 3 * SEG, 4 << 20})
  void sealedObjectsOpenToTheSameBytesAtEverySegmentBoundary(int size) {
    Sealer s = sealer("k");
    byte[] plain = random(size);
    byte[] text = new byte[size];
    Arrays.fill(text, (byte) 'a');

    assertThat(s.open("blobs/x", s.seal("blobs/x", plain))).isEqualTo(plain);
    assertThat(s.open("blobs/y", s.seal("blobs/y", text))).isEqualTo(text);
  }

  @Test
  void objectsOpenedIntoOneReusedScratchEachReadTheirOwnBytes() {
    Sealer s = sealer("k");
    byte[] big = random(3 * SEG + 7);
    byte[] text = new byte[2 * SEG];
    Arrays.fill(text, (byte) 'a');
    byte[] small = random(100);
    Sealer.Scratch scratch = new Sealer.Scratch();

    for (byte[] plain : new byte[][] {big, text, small, big}) {
      Sealer.Plain opened = s.open("blobs/z", s.seal("blobs/z", plain), scratch);

      assertThat(Arrays.copyOf(opened.bytes(), opened.length())).isEqualTo(plain);
    }
    assertThatThrownBy(() -> s.open("blobs/other", s.seal("blobs/z", small), scratch))
        .isInstanceOf(DamagedObjectException.class);
  }

  @Test
  void objectsSealedIntoOneReusedScratchFromPartsOfABufferEachOpenToTheirPart() {
    Sealer s = sealer("k");
    byte[] buffer = random(3 * SEG + 7);
    Arrays.fill(buffer, 0, SEG, (byte) 'a');
    Sealer.Scratch scratch = new Sealer.Scratch();

    for (int[] part : new int[][] {{0, 3 * SEG + 7}, {0, SEG}, {SEG, 100}, {5, 2 * SEG}}) {
      Sealer.Plain sealed = s.seal("blobs/p", buffer, part[0], part[1], scratch);
      byte[] object = Arrays.copyOf(sealed.bytes(), sealed.length());

      assertThat(s.open("blobs/p", object))
          .isEqualTo(Arrays.copyOfRange(buffer, part[0], part[0] + part[1]));
    }
  }

  @Test
  void anObjectInAReusedBufferOpensFromItsLengthAndATruncatedOneFailsDespiteTheStaleTail() {
    Sealer s = sealer("k");
    byte[] plain = random(3 * SEG + 7);
    byte[] object = s.seal("blobs/r", plain);
    byte[] buffer = random(object.length + 3 * SEG);
    System.arraycopy(object, 0, buffer, 0, object.length);
    Sealer.Scratch scratch = new Sealer.Scratch();

    Sealer.Plain opened = s.open("blobs/r", buffer, object.length, scratch);

    assertThat(Arrays.copyOf(opened.bytes(), opened.length())).isEqualTo(plain);
    assertThat(s.namingMacOf("blobs/r", buffer, object.length).doFinal(plain))
        .isEqualTo(s.namingMac().doFinal(plain));
    // The bytes after a short read are an older object's: the length, not the buffer, ends it.
    assertThatThrownBy(() -> s.open("blobs/r", buffer, object.length - SEG, scratch))
        .isInstanceOf(DamagedObjectException.class);
    assertThatThrownBy(() -> s.open("blobs/r", buffer, object.length + 1, scratch))
        .isInstanceOf(DamagedObjectException.class);
  }

  @Test
  void aScratchThatHasToGrowGrowsToWholeMiBSoSlightlyLargerObjectsReuseIt() {
    Sealer s = sealer("k");
    Sealer.Scratch scratch = new Sealer.Scratch();
    int mib = 1 << 20;

    Sealer.Plain first = s.open("blobs/g", s.seal("blobs/g", random(mib + mib / 2)), scratch);
    assertThat(first.bytes()).hasSize(mib + mib / 2);
    Sealer.Plain grown = s.open("blobs/g", s.seal("blobs/g", random(mib + mib / 2 + 1)), scratch);
    assertThat(grown.bytes()).hasSize(2 * mib);
    byte[] larger = random(2 * mib - 1);
    Sealer.Plain reused = s.open("blobs/g", s.seal("blobs/g", larger), scratch);

    assertThat(reused.bytes()).isSameAs(grown.bytes());
    assertThat(Arrays.copyOf(reused.bytes(), reused.length())).isEqualTo(larger);
  }

  @Test
  void sameContentNeverSealsToTheSameBytes() {
    Sealer s = sealer("k");
    byte[] plain = random(1000);

    assertThat(s.seal("a", plain)).isNotEqualTo(s.seal("a", plain));
  }

  @Test
  void truncationAtASegmentBoundaryIsDetected() {
    Sealer s = sealer("k");
    byte[] sealed = s.seal("b", random(3 * SEG));
    int header = 4 + 1 + 8;

    byte[] twoSegments = Arrays.copyOf(sealed, header + 2 * (SEG + 16));

    assertThatThrownBy(() -> s.open("b", twoSegments)).isInstanceOf(DamagedObjectException.class);
  }

  @Test
  void swappedSegmentsRenamedObjectsAndAnotherKeyAreDetected() {
    Sealer s = sealer("k");
    byte[] sealed = s.seal("c", random(3 * SEG));
    int header = 4 + 1 + 8;
    byte[] swapped = sealed.clone();
    System.arraycopy(sealed, header + SEG + 16, swapped, header, SEG + 16);
    System.arraycopy(sealed, header, swapped, header + SEG + 16, SEG + 16);

    assertThatThrownBy(() -> s.open("c", swapped)).isInstanceOf(DamagedObjectException.class);
    assertThatThrownBy(() -> s.open("d", sealed)).isInstanceOf(DamagedObjectException.class);
    assertThatThrownBy(() -> sealer("other").open("c", sealed))
        .isInstanceOf(DamagedObjectException.class)
        .hasMessageContaining("authentication failed");
  }

  @Test
  void keyFileIsPrivateAndMalformedKeysAreRefusedClearly() throws Exception {
    VaultKey.loadOrCreate(dir.resolve("vault.key"));
    assertThat(io.nxs.core.state.SecureFiles.permissions(dir.resolve("vault.key")))
        .isEqualTo("rw-------");
    Files.writeString(dir.resolve("short.key"), "c2hvcnQ=");

    assertThatThrownBy(() -> VaultKey.load(dir.resolve("short.key")))
        .hasMessageContaining("must hold 32 bytes");
    assertThatThrownBy(() -> VaultKey.load(dir.resolve("missing.key")))
        .hasMessageContaining("cannot read the vault key");
  }
}
