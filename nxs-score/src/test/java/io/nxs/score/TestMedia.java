package io.nxs.score;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/** Images and recordings the tests make themselves, seeded, so nothing is downloaded. */
final class TestMedia {

  private TestMedia() {}

  /** A textured scene: smooth noise, gradients and hard-edged discs, like a photograph's. */
  static BufferedImage scene(int w, int h, long seed) {
    Random r = new Random(seed);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    double[][] waves = new double[12][4];
    for (double[] wv : waves) {
      wv[0] = r.nextDouble() * 0.2;
      wv[1] = r.nextDouble() * 0.2;
      wv[2] = r.nextDouble() * Math.PI * 2;
      wv[3] = 10 + r.nextDouble() * 30;
    }
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double v = 0;
        for (double[] wv : waves) {
          v += wv[3] * Math.sin(wv[0] * x + wv[1] * y + wv[2]) / 3;
        }
        double n = r.nextGaussian() * 6;
        int red = clamp(120 + v + n + x * 40.0 / w);
        int green = clamp(110 + 0.8 * v + n);
        int blue = clamp(100 + 0.6 * v - n + y * 30.0 / h);
        img.setRGB(x, y, new Color(red, green, blue).getRGB());
      }
    }
    Graphics2D g = img.createGraphics();
    for (int i = 0; i < 5; i++) {
      g.setColor(new Color(r.nextInt(200) + 30, r.nextInt(200) + 30, r.nextInt(200) + 30));
      int d = 20 + r.nextInt(Math.max(1, Math.min(w, h) / 3));
      g.fillOval(r.nextInt(w), r.nextInt(h), d, d);
    }
    g.dispose();
    return img;
  }

  static BufferedImage solid(int w, int h, Color c) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    g.setColor(c);
    g.fillRect(0, 0, w, h);
    g.dispose();
    return img;
  }

  static byte[] png(BufferedImage img) {
    return encode(img, "png");
  }

  static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] jpeg(BufferedImage img, float quality) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(ios);
      ImageWriteParam p = writer.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(quality);
      writer.write(null, new IIOImage(img, null, null), p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /**
   * Speech-like sound: a 120 Hz voice with formant-ish harmonics, syllables of 0.2 s and short
   * pauses, plus white noise at the given SNR (none when NaN).
   */
  static float[] voice(int rate, double seconds, double snrDb, long seed) {
    Random r = new Random(seed);
    int n = (int) (rate * seconds);
    float[] x = new float[n];
    double power = 0;
    int active = 0;
    for (int i = 0; i < n; i++) {
      double t = (double) i / rate;
      double syllable = Math.max(0, Math.sin(Math.PI * (t % 0.25) / 0.2));
      if (t % 0.25 > 0.2) {
        syllable = 0;
      }
      double f0 = 120 + 20 * Math.sin(2 * Math.PI * 0.7 * t);
      double v = 0;
      for (int k = 1; k <= 25; k++) {
        double f = f0 * k;
        if (f > rate / 2.2) {
          break;
        }
        double formant =
            Math.exp(-Math.pow((f - 700) / 400, 2))
                + 0.6 * Math.exp(-Math.pow((f - 1800) / 500, 2))
                + 0.05;
        v += formant * Math.sin(2 * Math.PI * f * t + k) / k;
      }
      x[i] = (float) (0.3 * syllable * v);
      if (syllable > 0.05) {
        power += x[i] * x[i];
        active++;
      }
    }
    if (!Double.isNaN(snrDb)) {
      double sigma = Math.sqrt(power / active / Math.pow(10, snrDb / 10));
      for (int i = 0; i < n; i++) {
        x[i] += (float) (r.nextGaussian() * sigma);
      }
    }
    return x;
  }

  static float[] tone(int rate, double seconds, double hz, double amplitude) {
    float[] x = new float[(int) (rate * seconds)];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
    }
    return x;
  }

  /** A WAV of integer PCM at 8, 16, 24 or 32 bits, or 32-bit float when {@code bits} is -32. */
  static byte[] wav(int rate, int bits, float[]... channels) {
    boolean floating = bits < 0;
    int b = Math.abs(bits) / 8;
    int n = channels[0].length;
    byte[] data = new byte[n * channels.length * b];
    int p = 0;
    for (int i = 0; i < n; i++) {
      for (float[] c : channels) {
        long v;
        if (floating) {
          v = Float.floatToIntBits(c[i]);
        } else if (b == 1) {
          v = Math.round(Math.max(-1, Math.min(1, c[i])) * 127) + 128;
        } else {
          double max = Math.pow(2, b * 8 - 1) - 1;
          v = Math.round(Math.max(-1, Math.min(1, c[i])) * max);
        }
        for (int k = 0; k < b; k++) {
          data[p++] = (byte) (v >> (8 * k));
        }
      }
    }
    AudioFormat f =
        floating
            ? new AudioFormat(
                AudioFormat.Encoding.PCM_FLOAT,
                rate,
                32,
                channels.length,
                4 * channels.length,
                rate,
                false)
            : new AudioFormat(
                b == 1 ? AudioFormat.Encoding.PCM_UNSIGNED : AudioFormat.Encoding.PCM_SIGNED,
                rate,
                b * 8,
                channels.length,
                b * channels.length,
                rate,
                false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      AudioSystem.write(
          new AudioInputStream(new ByteArrayInputStream(data), f, n),
          AudioFileFormat.Type.WAVE,
          out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }
}
