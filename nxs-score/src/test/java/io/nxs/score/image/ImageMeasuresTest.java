package io.nxs.score.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageMeasuresTest {

  /**
   * A wide, harsh image: each row half spans several of the measures' int-summed chunks, and a
   * 0/255 checkerboard gives the largest Laplacian and noise-mask responses there are.
   */
  private static Picture wideHarshImage() {
    int w = 4501;
    int h = 19;
    Random random = new Random(16);
    byte[] r = new byte[w * h];
    byte[] g = new byte[w * h];
    byte[] b = new byte[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        if (x < 2600) {
          byte v = (byte) (((x + y) & 1) == 0 ? 0 : 255);
          r[i] = v;
          g[i] = v;
          b[i] = v;
        } else {
          r[i] = (byte) random.nextInt(256);
          g[i] = (byte) random.nextInt(256);
          b[i] = (byte) random.nextInt(256);
        }
      }
    }
    java.awt.image.BufferedImage image =
        new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < w * h; i++) {
      image.setRGB(i % w, i / w, (r[i] & 0xff) << 16 | (g[i] & 0xff) << 8 | (b[i] & 0xff));
    }
    return Picture.of(image);
  }

  @Test
  void wholeImageMeasuresOfAWideHarshImageMatchTheirDefinitions() {
    Picture p = wideHarshImage();
    int w = p.width();
    int h = p.height();
    byte[] grey = p.grey();
    double n = 0;
    double sum = 0;
    double sumSq = 0;
    double clipped = 0;
    for (byte value : grey) {
      int v = value & 0xff;
      n++;
      sum += v;
      sumSq += (double) v * v;
      clipped += v <= 2 || v >= 253 ? 1 : 0;
    }
    double lapN = 0;
    double lapSum = 0;
    double lapSq = 0;
    double noiseSum = 0;
    for (int y = 1; y < h - 1; y++) {
      for (int x = 1; x < w - 1; x++) {
        double lap =
            at(grey, w, x - 1, y)
                + at(grey, w, x + 1, y)
                + at(grey, w, x, y - 1)
                + at(grey, w, x, y + 1)
                - 4 * at(grey, w, x, y);
        double corners =
            at(grey, w, x - 1, y - 1)
                + at(grey, w, x + 1, y - 1)
                + at(grey, w, x - 1, y + 1)
                + at(grey, w, x + 1, y + 1);
        double mask = corners - 2 * (lap + 4 * at(grey, w, x, y)) + 4 * at(grey, w, x, y);
        lapN++;
        lapSum += lap;
        lapSq += lap * lap;
        noiseSum += Math.abs(mask);
      }
    }

    ImageMeasures m = ImageMeasures.of(p);

    double mean = sum / n;
    assertThat(m.brightness()[0]).isCloseTo(mean / 255, within(1e-12));
    assertThat(m.contrast()[0]).isCloseTo(Math.sqrt(sumSq / n - mean * mean) / 255, within(1e-12));
    assertThat(m.exposure()[0]).isCloseTo(clipped / n, within(1e-12));
    double lapMean = lapSum / lapN;
    assertThat(m.sharpness()[0]).isCloseTo(lapSq / lapN - lapMean * lapMean, within(1e-6));
    assertThat(m.noise()[0])
        .isCloseTo(Math.sqrt(Math.PI / 2) * noiseSum / (6 * lapN), within(1e-9));
    assertThat(m.singleColour()).isFalse();
  }

  private static double at(byte[] grey, int w, int x, int y) {
    return grey[y * w + x] & 0xff;
  }
}
