package io.nxs.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.score.image.DecodeBuffers;
import io.nxs.score.image.ImageDecoder;
import io.nxs.score.image.Picture;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Decoding into kept buffers, and letting them go when the scorer is idle. */
class ImageBuffersTest {

  private static final long LIMIT = 50_000_000;

  private static void assertSamePixels(Picture kept, Picture fresh) {
    int n = fresh.width() * fresh.height();
    assertThat(kept.width()).isEqualTo(fresh.width());
    assertThat(kept.height()).isEqualTo(fresh.height());
    assertThat(Arrays.copyOf(kept.red(), n)).isEqualTo(fresh.red());
    assertThat(Arrays.copyOf(kept.green(), n)).isEqualTo(fresh.green());
    assertThat(Arrays.copyOf(kept.blue(), n)).isEqualTo(fresh.blue());
    assertThat(Arrays.copyOf(kept.grey(), n)).isEqualTo(fresh.grey());
  }

  @Test
  void imagesDecodedIntoBuffersALargerImageLeftBehindHaveTheSamePixelsAsFreshlyDecodedOnes() {
    DecodeBuffers buffers = new DecodeBuffers(java.time.Clock.systemUTC(), Duration.ZERO, 1);
    BufferedImage withAlpha = new BufferedImage(90, 70, BufferedImage.TYPE_INT_ARGB);
    withAlpha.getGraphics().drawImage(TestMedia.scene(90, 70, 4), 0, 0, null);
    byte[][] files = {
      TestMedia.jpeg(TestMedia.scene(300, 200, 1), 0.9f),
      TestMedia.png(TestMedia.scene(301, 199, 2)),
      TestMedia.jpeg(TestMedia.solid(120, 80, new Color(40, 200, 90)), 0.5f),
      TestMedia.png(withAlpha),
      TestMedia.encode(TestMedia.scene(64, 48, 3), "bmp"),
    };
    DecodeBuffers.Frame frame = buffers.take();
    // the frame first holds a larger image, so every later one reuses longer planes
    byte[] planes =
        ImageDecoder.decode(
                TestMedia.jpeg(TestMedia.scene(640, 480, 9), 0.8f), MediaFormat.JPEG, LIMIT, frame)
            .grey();
    for (byte[] file : files) {
      MediaFormat format = MediaFormat.sniff(file).orElseThrow();
      Picture fresh = ImageDecoder.decode(file, format, LIMIT);
      Picture kept = ImageDecoder.decode(file, format, LIMIT, frame);

      assertSamePixels(kept, fresh);
      assertThat(kept.grey()).isSameAs(planes);
    }
  }

  @Test
  void theEnginesImageBuffersAreReleasedAfterAMinuteUnusedAndAReleasedEngineScoresTheSame() {
    try (ScoreFixture f = new ScoreFixture()) {
      byte[] jpeg = TestMedia.jpeg(TestMedia.scene(320, 240, 5), 0.85f);
      Score before = f.engine.score("a", jpeg, "a.jpg", "image/jpeg").score();
      long kept = f.engine.keptBufferBytes();
      assertThat(before.status()).isEqualTo(Score.SCORED);
      // a BRISQUE workspace (7 bytes a pixel) and the decode buffers (7 bytes a pixel)
      assertThat(kept).isGreaterThanOrEqualTo(320 * 240 * 14L);

      f.clock.advance(Duration.ofSeconds(59));
      assertThat(f.engine.releaseIdleBuffers()).isZero();
      f.clock.advance(Duration.ofSeconds(1));
      assertThat(f.engine.releaseIdleBuffers()).isEqualTo(kept);
      assertThat(f.engine.keptBufferBytes()).isZero();

      Score after = f.engine.score("b", jpeg, "b.jpg", "image/jpeg").score();
      assertThat(after.quality()).isEqualTo(before.quality());
      assertThat(after.dimensions()).isEqualTo(before.dimensions());
      assertThat(f.engine.keptBufferBytes()).isEqualTo(kept);
    }
  }
}
