package io.nxs.session.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkCodecTest {

  @TempDir Path dir;

  private static byte[] data(int n) {
    byte[] b = new byte[n];
    new Random(42).nextBytes(b);
    // Half random, half repetitive: like a SQLite page, so zstd has something to do.
    Arrays.fill(b, n / 2, n, (byte) 'x');
    return b;
  }

  @Test
  void aChunkSurvivesTheRoundTripAndIsCompressed() {
    ChunkCodec codec = new ChunkCodec(null);
    byte[] data = data(256 * 1024);
    byte[] frame = codec.encode(new Chunk(3, 1L << 20, data));
    assertThat(frame.length).isLessThan(data.length);
    Chunk back = codec.decode(frame);
    assertThat(back.file()).isEqualTo(3);
    assertThat(back.offset()).isEqualTo(1L << 20);
    assertThat(back.data()).isEqualTo(data);
  }

  @Test
  void aTruncatedChunkIsRefusedAsTruncated() {
    ChunkCodec codec = new ChunkCodec(null);
    byte[] frame = codec.encode(new Chunk(0, 0, data(4096)));
    byte[] cut = Arrays.copyOf(frame, frame.length - 10);
    assertThatThrownBy(() -> codec.decode(cut))
        .isInstanceOf(ChunkException.class)
        .hasMessageContaining("truncated")
        .hasMessageContaining((frame.length - 10) + " of " + frame.length)
        .extracting(e -> ((ChunkException) e).kind())
        .isEqualTo(ChunkException.Kind.TRUNCATED);
    assertThatThrownBy(() -> codec.decode(Arrays.copyOf(frame, 20)))
        .hasMessageContaining("truncated");
  }

  @Test
  void aChunkWhoseDataDoesNotMatchItsChecksumIsRefused() {
    ChunkCodec codec = new ChunkCodec(null);
    byte[] frame = codec.encode(new Chunk(0, 0, data(4096)));
    // Flip one bit of the recorded SHA-256: the data is intact, the checksum is not its own.
    frame[30] ^= 1;
    assertThatThrownBy(() -> codec.decode(frame))
        .isInstanceOf(ChunkException.class)
        .hasMessageContaining("fails its SHA-256 check")
        .extracting(e -> ((ChunkException) e).kind())
        .isEqualTo(ChunkException.Kind.CHECKSUM);
  }

  @Test
  void aChunkWithDamagedCompressedDataIsRefused() {
    ChunkCodec codec = new ChunkCodec(null);
    byte[] frame = codec.encode(new Chunk(0, 0, data(4096)));
    frame[frame.length - 3] ^= 0x55;
    assertThatThrownBy(() -> codec.decode(frame))
        .isInstanceOf(ChunkException.class)
        .extracting(e -> ((ChunkException) e).kind())
        .isEqualTo(ChunkException.Kind.CHECKSUM);
  }

  @Test
  void aSealedChunkNeedsItsKeyAndRefusesAnother() throws Exception {
    Path right = Files.writeString(dir.resolve("right.key"), "correct horse battery staple");
    Path wrong = Files.writeString(dir.resolve("wrong.key"), "Tr0ub4dor&3");
    byte[] salt = BundleKey.newSalt();
    ChunkCodec sealer = new ChunkCodec(BundleKey.fromFile(right, salt));
    byte[] data = "the agent's memory".getBytes(StandardCharsets.UTF_8);
    byte[] frame = sealer.encode(new Chunk(1, 0, data));

    assertThat(new String(frame, StandardCharsets.ISO_8859_1)).doesNotContain("memory");
    assertThat(new ChunkCodec(BundleKey.fromFile(right, salt)).decode(frame).data())
        .isEqualTo(data);
    assertThatThrownBy(() -> new ChunkCodec(null).decode(frame))
        .hasMessageContaining("is encrypted: give its key with --key-file");
    assertThatThrownBy(() -> new ChunkCodec(BundleKey.fromFile(wrong, salt)).decode(frame))
        .hasMessageContaining("does not open with this key")
        .extracting(e -> ((ChunkException) e).kind())
        .isEqualTo(ChunkException.Kind.KEY);
  }

  @Test
  void framesReadFromAStreamEndCleanlyOrReportACutFrame() throws Exception {
    ChunkCodec codec = new ChunkCodec(null);
    byte[] a = codec.encode(new Chunk(0, 0, data(1000)));
    byte[] b = codec.encode(new Chunk(0, 1000, data(500)));
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);

    var in = new ByteArrayInputStream(both);
    assertThat(codec.read(in).offset()).isZero();
    assertThat(codec.read(in).offset()).isEqualTo(1000);
    assertThat(codec.read(in)).isNull();

    var cut = new ByteArrayInputStream(Arrays.copyOf(both, both.length - 1));
    codec.read(cut);
    assertThatThrownBy(() -> codec.read(cut)).hasMessageContaining("truncated");
  }

  @Test
  void somethingElseIsNotTakenForAChunk() {
    byte[] junk = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(3).getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> new ChunkCodec(null).decode(junk))
        .hasMessageContaining("not an NXS session chunk");
  }
}
