package io.nxs.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random damage to real files of every format (bytes flipped, cut at random points, chunks
 * repeated): every variant gives a score or a one-line reason, never an exception, never a NaN.
 */
class CorruptionTest {

  @Test
  void damagedFilesOfEveryFormatGiveAScoreOrAReason() {
    var scene = TestMedia.scene(160, 120, 21);
    List<byte[]> originals =
        List.of(
            TestMedia.png(scene),
            TestMedia.jpeg(scene, 0.7f),
            TestMedia.encode(scene, "gif"),
            TestMedia.encode(scene, "bmp"),
            TestMedia.encode(scene, "tiff"),
            TestMedia.wav(16000, 16, TestMedia.voice(16000, 1.0, 10, 3)),
            TestMedia.wav(44100, 24, TestMedia.voice(44100, 0.6, 20, 4)),
            Goldens.read("speech-noisy.flac"));
    Random r = new Random(20261206);
    try (ScoreFixture f = new ScoreFixture()) {
      int scored = 0;
      int refused = 0;
      for (byte[] original : originals) {
        for (int v = 0; v < 25; v++) {
          byte[] b = damage(original, r);
          Score s = f.service.score(b, "damaged", null);
          assertThat(s.status()).isIn(Score.SCORED, Score.REJECTED, Score.UNABLE);
          if (s.scored()) {
            scored++;
            s.dimensions().values().forEach(d -> assertThat(Double.isFinite(d.value())).isTrue());
            if (s.quality() != null) {
              assertThat(s.quality().value()).isBetween(0.0, 100.0);
            }
          } else {
            refused++;
            assertThat(s.reason()).isNotBlank().doesNotContain("\n");
          }
        }
      }
      // both outcomes occur: some damage is harmless (e.g. in a pixel), most is not
      assertThat(scored).isPositive();
      assertThat(refused).isPositive();
    }
  }

  private static byte[] damage(byte[] original, Random r) {
    byte[] b = original.clone();
    switch (r.nextInt(3)) {
      case 0 -> {
        int flips = 1 + r.nextInt(8);
        for (int i = 0; i < flips; i++) {
          int at = r.nextInt(Math.min(b.length, 2048));
          b[at] ^= (byte) (1 + r.nextInt(255));
        }
      }
      case 1 -> b = Arrays.copyOf(b, 1 + r.nextInt(b.length - 1));
      default -> {
        int from = r.nextInt(b.length / 2);
        int len = 1 + r.nextInt(Math.min(512, b.length - from));
        byte[] out = Arrays.copyOf(b, b.length + len);
        System.arraycopy(b, from, out, from + len, b.length - from);
        b = out;
      }
    }
    return b;
  }
}
