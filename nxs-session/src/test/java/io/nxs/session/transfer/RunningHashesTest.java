package io.nxs.session.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunningHashesTest {

  @TempDir Path dir;
  private final RunningHashes hashes = new RunningHashes();

  private static byte[] data(int n) {
    byte[] b = new byte[n];
    new Random(7).nextBytes(b);
    return b;
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void aHashKeptAlongItsChunksIsTheWholeFilesHash() throws Exception {
    byte[] all = data(3_000_000);
    Path file = dir.resolve("f");
    for (int off = 0; off < all.length; off += 1_000_000) {
      byte[] chunk = Arrays.copyOfRange(all, off, off + 1_000_000);
      RunningHashes.Running r = hashes.take("m/f", file, off);
      assertThat(r.offset()).isEqualTo(off);
      r.update(chunk);
      hashes.put("m/f", r);
    }
    assertThat(hashes.take("m/f", file, all.length).finish()).isEqualTo(sha256(all));
  }

  @Test
  void withoutAHashAtThatOffsetTheBytesOnDiskAreHashedFirst() throws Exception {
    byte[] all = data(2_500_000);
    Path file = dir.resolve("f");
    Files.write(file, Arrays.copyOf(all, 2_000_000));
    // As after a restart (nothing in memory), and after a hash that stands elsewhere.
    hashes.put("m/f", hashes.take("m/f", file, 1_000_000));
    RunningHashes.Running r = hashes.take("m/f", file, 2_000_000);
    assertThat(r.offset()).isEqualTo(2_000_000);
    r.update(Arrays.copyOfRange(all, 2_000_000, all.length));
    assertThat(r.finish()).isEqualTo(sha256(all));
  }

  @Test
  void aFileShorterThanItsAcknowledgedBytesIsAnError() throws Exception {
    Path file = dir.resolve("f");
    Files.write(file, data(10));
    assertThatThrownBy(() -> hashes.take("m/f", file, 20))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("10 of 20");
  }

  @Test
  void aForgottenMigrationsHashesAreReadFromDiskAgain() throws Exception {
    Path file = dir.resolve("f");
    Files.write(file, data(10));
    RunningHashes.Running r = hashes.take("m/f", file, 0);
    r.update(new byte[] {1, 2, 3});
    hashes.put("m/f", r);
    hashes.forget("m/");
    // Read from disk: the file's first 3 bytes, not the {1, 2, 3} held before.
    assertThat(hashes.take("m/f", file, 3).finish()).isEqualTo(sha256(Arrays.copyOf(data(10), 3)));
  }
}
