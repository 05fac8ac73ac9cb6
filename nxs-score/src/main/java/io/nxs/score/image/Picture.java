package io.nxs.score.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;

/**
 * A decoded image as 8-bit planes: red, green, blue and grey (OpenCV's integer BT.601 weights,
 * {@code (4899 R + 9617 G + 1868 B + 8192) >> 14}, so BRISQUE sees OpenCV's grey levels). A plane
 * holds at least width x height values, row by row; one decoded into kept buffers ({@link
 * DecodeBuffers}) may be longer, and only its first width x height values are the image's.
 */
public record Picture(int width, int height, byte[] red, byte[] green, byte[] blue, byte[] grey) {

  /** Converts any ImageIO image (palette, grey, 16-bit, CMYK...) to new 8-bit planes. */
  public static Picture of(BufferedImage image) {
    int n = image.getWidth() * image.getHeight();
    return of(image, new byte[n], new byte[n], new byte[n], new byte[n]);
  }

  /** Converts an image into the planes of kept buffers. */
  static Picture of(BufferedImage image, DecodeBuffers.Frame frame) {
    frame.planes(image.getWidth() * image.getHeight());
    return of(image, frame.red(), frame.green(), frame.blue(), frame.grey());
  }

  private static Picture of(BufferedImage image, byte[] r, byte[] g, byte[] b, byte[] y) {
    int w = image.getWidth();
    int h = image.getHeight();
    int n = w * h;
    int type = image.getType();
    if (type == BufferedImage.TYPE_3BYTE_BGR) {
      // the common case (an 8-bit JPEG or RGB PNG), in one pass with the grey levels
      byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
      for (int i = 0, p = 0; i < n; i++, p += 3) {
        int bb = data[p] & 0xff;
        int gg = data[p + 1] & 0xff;
        int rr = data[p + 2] & 0xff;
        b[i] = (byte) bb;
        g[i] = (byte) gg;
        r[i] = (byte) rr;
        y[i] = (byte) ((4899 * rr + 9617 * gg + 1868 * bb + 8192) >> 14);
      }
      return new Picture(w, h, r, g, b, y);
    }
    if (type == BufferedImage.TYPE_4BYTE_ABGR) {
      byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
      for (int i = 0, p = 1; i < n; i++, p += 4) {
        b[i] = data[p];
        g[i] = data[p + 1];
        r[i] = data[p + 2];
      }
    } else if (type == BufferedImage.TYPE_BYTE_GRAY) {
      byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
      System.arraycopy(data, 0, r, 0, n);
      System.arraycopy(data, 0, g, 0, n);
      System.arraycopy(data, 0, b, 0, n);
    } else if (type == BufferedImage.TYPE_INT_RGB || type == BufferedImage.TYPE_INT_ARGB) {
      int[] data = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
      for (int i = 0; i < n; i++) {
        int p = data[i];
        r[i] = (byte) (p >> 16);
        g[i] = (byte) (p >> 8);
        b[i] = (byte) p;
      }
    } else {
      int[] row = new int[w];
      for (int yy = 0; yy < h; yy++) {
        image.getRGB(0, yy, w, 1, row, 0, w);
        int base = yy * w;
        for (int x = 0; x < w; x++) {
          int p = row[x];
          r[base + x] = (byte) (p >> 16);
          g[base + x] = (byte) (p >> 8);
          b[base + x] = (byte) p;
        }
      }
    }
    for (int i = 0; i < n; i++) {
      y[i] =
          (byte)
              ((4899 * (r[i] & 0xff) + 9617 * (g[i] & 0xff) + 1868 * (b[i] & 0xff) + 8192) >> 14);
    }
    return new Picture(w, h, r, g, b, y);
  }

  /** Width x height. */
  public long pixels() {
    return (long) width * height;
  }
}
