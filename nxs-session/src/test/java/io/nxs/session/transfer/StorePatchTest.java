package io.nxs.session.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorePatchTest {

  @TempDir Path dir;

  /** Text-like bytes (16 letters, 4 bits each): compressible, so a patch must beat plain zstd. */
  static byte[] text(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ('a' + (b[i] & 0x0f));
    }
    return b;
  }

  @Test
  void aGrownFileMovesAsLittleMoreThanWhatChangedAndRebuildsExactly() throws Exception {
    // 8 MiB: past the 4 MiB window and the small tables zstd's level defaults would give.
    Random random = new Random(7);
    byte[] base = text(random, 8 << 20);
    byte[] added = new byte[1 << 20];
    random.nextBytes(added);
    // The grown file: new pages in the middle (everything after them moved), one changed byte
    // near the start and new pages at the end.
    byte[] grown = new byte[base.length + 2 * added.length];
    System.arraycopy(base, 0, grown, 0, 5 << 20);
    System.arraycopy(added, 0, grown, 5 << 20, added.length);
    System.arraycopy(base, 5 << 20, grown, (5 << 20) + added.length, base.length - (5 << 20));
    System.arraycopy(added, 0, grown, grown.length - added.length, added.length);
    grown[4096 * 3 + 5] ^= 1;
    Path b = Files.write(dir.resolve("base.sqlite"), base);
    Path g = Files.write(dir.resolve("grown.sqlite"), grown);
    BundleFile expected = SnapshotExporter.describe(dir, "grown.sqlite");

    StorePatch.Stats stats = StorePatch.write(b, g, dir.resolve("patch"));

    // The new bytes are random (incompressible) and 2 MiB; the 8 MiB it shares with the base
    // cost back-references only. Plain zstd of the same file is over 6 MiB.
    long changed = 2L * added.length;
    assertThat(stats.patchBytes()).isEqualTo(Files.size(dir.resolve("patch")));
    assertThat(stats.patchBytes()).isLessThan(changed + changed / 10);
    assertThat(stats.patchBytes()).isLessThan(grown.length / 4);

    StorePatch.apply(
        b, dir.resolve("patch"), dir.resolve("rebuilt"), grown.length, expected.sha256());
    assertThat(Files.readAllBytes(dir.resolve("rebuilt"))).isEqualTo(grown);
  }

  @Test
  void aReferenceThatDiffersOnTheReceiverIsRefusedAndLeavesNothing() throws Exception {
    Random random = new Random(8);
    byte[] base = text(random, 1 << 20);
    byte[] grown = new byte[base.length + 4096];
    System.arraycopy(base, 0, grown, 0, base.length);
    Path b = Files.write(dir.resolve("base"), base);
    Path g = Files.write(dir.resolve("grown"), grown);
    String sha = SnapshotExporter.describe(dir, "grown").sha256();
    StorePatch.write(b, g, dir.resolve("patch"));
    // The receiver's copy has other content (a byte or two damaged may lie where the patch
    // copies nothing from, and then the rebuilt file is still right, and passes its check).
    Files.write(b, text(new Random(9), base.length));

    assertThatThrownBy(
            () -> StorePatch.apply(b, dir.resolve("patch"), dir.resolve("r"), grown.length, sha))
        .hasMessageContaining("the earlier copy here differs from the source's");
    assertThat(dir.resolve("r")).doesNotExist();
    assertThat(dir.resolve("r.part")).doesNotExist();
  }

  @Test
  void aPairBeyondZstdsWindowIsNotPatched() {
    assertThat(StorePatch.unsupported(1L << 30, 1L << 30))
        .hasValueSatisfying(why -> assertThat(why).contains("2 GiB window"));
    assertThat(StorePatch.unsupported(1 << 20, 1 << 20)).isEmpty();
  }
}
