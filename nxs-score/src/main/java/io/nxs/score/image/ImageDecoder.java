package io.nxs.score.image;

import io.nxs.score.MediaFormat;
import io.nxs.score.Rejected;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes an image with ImageIO and the TwelveMonkeys plugins (JPEG, WebP, TIFF; the JDK's own PNG,
 * GIF and BMP readers), refusing before any pixel is decoded what is over the pixel limit, so
 * memory is bounded by the limit and not by the file. A GIF or multi-page TIFF gives its first
 * frame. Alpha is dropped, as OpenCV's {@code imread} does, so BRISQUE sees the same pixels.
 */
public final class ImageDecoder {

  static {
    ImageIO.setUseCache(false); // decode in memory: no temporary files under load
    ImageIO.scanForPlugins();
  }

  private ImageDecoder() {}

  /**
   * Decodes the first frame.
   *
   * @param maxPixels the largest width x height accepted
   * @throws Rejected when the bytes are not a whole, decodable image within the limit
   */
  public static Picture decode(byte[] bytes, MediaFormat format, long maxPixels) {
    return decode(bytes, format, maxPixels, null);
  }

  /**
   * Decodes the first frame into kept buffers: an image whose decoder gives 8-bit BGR by default
   * (an ordinary JPEG, an RGB PNG) is decoded straight into the frame's BGR image, and the planes
   * are the frame's; the pixels are the same as {@link #decode(byte[], MediaFormat, long)}'s.
   *
   * @param frame the buffers, or null for new ones; the picture is valid until it is given back
   * @throws Rejected when the bytes are not a whole, decodable image within the limit
   */
  public static Picture decode(
      byte[] bytes, MediaFormat format, long maxPixels, DecodeBuffers.Frame frame) {
    List<String> warnings = new ArrayList<>();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new Rejected("unsupported_codec", "no decoder for this " + format + " variant");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width <= 0 || height <= 0) {
          throw new Rejected("corrupt", "the " + format + " header says " + width + "x" + height);
        }
        if ((long) width * height > maxPixels) {
          throw new Rejected(
              "too_large",
              format
                  + " of "
                  + width
                  + "x"
                  + height
                  + " = "
                  + (long) width * height
                  + " pixels is over the limit of "
                  + maxPixels
                  + " (score.limits.max_pixels)");
        }
        ImageReadParam param = reader.getDefaultReadParam();
        if (frame != null && decodesToBgr(reader)) {
          param.setDestination(frame.destination(width, height));
        }
        BufferedImage image = reader.read(0, param);
        if (!warnings.isEmpty()) {
          throw new Rejected(
              "truncated",
              "the " + format + " data is damaged or cut short: " + warnings.getFirst());
        }
        if (format == MediaFormat.PNG && !endsWithIend(bytes)) {
          throw new Rejected("truncated", "the PNG is cut short: it has no IEND chunk");
        }
        if (format == MediaFormat.JPEG && !endsWithEoi(bytes)) {
          throw new Rejected("truncated", "the JPEG is cut short: it has no end-of-image marker");
        }
        return frame == null ? Picture.of(image) : Picture.of(image, frame);
      } finally {
        reader.dispose();
      }
    } catch (Rejected e) {
      throw e;
    } catch (IOException e) {
      throw new Rejected("corrupt", "the " + format + " cannot be decoded: " + oneLine(e));
    } catch (RuntimeException e) {
      // Decoders signal some damage with unchecked exceptions (index out of range, negative sizes).
      throw new Rejected("corrupt", "the " + format + " cannot be decoded: " + oneLine(e));
    }
  }

  /** Whether the reader's own choice of image type for the first frame is 8-bit BGR. */
  private static boolean decodesToBgr(ImageReader reader) throws IOException {
    Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
    return types.hasNext() && types.next().getBufferedImageType() == BufferedImage.TYPE_3BYTE_BGR;
  }

  private static boolean endsWithIend(byte[] b) {
    // IEND is the last chunk: length 0, type "IEND", CRC; trailing bytes after it are tolerated.
    for (int i = b.length - 8; i >= Math.max(8, b.length - 4096); i--) {
      if (b[i] == 'I' && b[i + 1] == 'E' && b[i + 2] == 'N' && b[i + 3] == 'D') {
        return true;
      }
    }
    return false;
  }

  private static boolean endsWithEoi(byte[] b) {
    for (int i = b.length - 2; i >= Math.max(2, b.length - 4096); i--) {
      if ((b[i] & 0xff) == 0xff && (b[i + 1] & 0xff) == 0xd9) {
        return true;
      }
    }
    return false;
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
