package io.nxs.session.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageDeltaTest {

  @TempDir Path dir;

  @Test
  void pagesThatMovedAreCopiedAndOnlyNewOnesAreSent() throws Exception {
    byte[] base = new byte[4096 * 200];
    new Random(1).nextBytes(base);
    // The new file: 20 new pages inserted after page 50, the rest shifted, plus a changed page.
    byte[] inserted = new byte[4096 * 20];
    new Random(2).nextBytes(inserted);
    byte[] next = new byte[base.length + inserted.length + 1000];
    System.arraycopy(base, 0, next, 0, 4096 * 50);
    System.arraycopy(inserted, 0, next, 4096 * 50, inserted.length);
    System.arraycopy(base, 4096 * 50, next, 4096 * 70, base.length - 4096 * 50);
    next[4096 * 100 + 7] ^= 1;
    Arrays.fill(next, next.length - 1000, next.length, (byte) 9);
    Path b = Files.write(dir.resolve("bulk.sqlite"), base);
    Path n = Files.write(dir.resolve("final.sqlite"), next);
    String sha = SnapshotExporter.describe(dir, "final.sqlite").sha256();

    PageDelta.Stats stats = PageDelta.write(b, n, sha, dir.resolve("d"));
    assertThat(stats.literalBytes()).isEqualTo(4096L * 21 + 1000);
    assertThat(Files.size(dir.resolve("d"))).isLessThan(next.length / 5);

    PageDelta.apply(b, dir.resolve("d"), dir.resolve("rebuilt"));
    assertThat(Files.readAllBytes(dir.resolve("rebuilt"))).isEqualTo(next);
  }

  @Test
  void aRebuildThatDoesNotMatchItsChecksumIsRefused() throws Exception {
    byte[] base = new byte[4096 * 10];
    new Random(3).nextBytes(base);
    Path b = Files.write(dir.resolve("b"), base);
    Path n = Files.write(dir.resolve("n"), base);
    PageDelta.write(b, n, SnapshotExporter.describe(dir, "n").sha256(), dir.resolve("d"));
    // The target's copy of the base differs from the source's: the rebuild must not pass.
    try (RandomAccessFile f = new RandomAccessFile(b.toFile(), "rw")) {
      f.seek(5);
      f.write(0x42 ^ base[5]);
    }
    assertThatThrownBy(() -> PageDelta.apply(b, dir.resolve("d"), dir.resolve("r")))
        .hasMessageContaining("does not match its SHA-256");
    assertThat(dir.resolve("r")).doesNotExist();
  }
}
