package io.nxs.score.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.time.Clock;
import java.time.Duration;

/**
 * The decoded image's buffers kept between images: the 8-bit BGR image a decoder writes into and
 * the four planes of a {@link Picture}, about 14 MB for Full HD. Allocated for every image, they
 * were what the daemon's young generation kept copying (an image in flight when it fills is live,
 * and two of them do not fit); kept, one set per scoring slot, they are written again instead, and
 * let go like {@link BrisqueWorkspaces} when unused for the idle period.
 */
public final class DecodeBuffers {

  /** One set of buffers: take it, decode into it, score, give it back. */
  public static final class Frame {
    private BufferedImage bgr;
    private byte[] red = new byte[0];
    private byte[] green = red;
    private byte[] blue = red;
    private byte[] grey = red;

    /** An 8-bit BGR image of exactly this size: the kept one when it fits, else a new one. */
    BufferedImage destination(int width, int height) {
      if (bgr == null || bgr.getWidth() != width || bgr.getHeight() != height) {
        bgr = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
      }
      return bgr;
    }

    /** Makes the planes hold at least {@code n} values. */
    void planes(int n) {
      if (grey.length < n) {
        red = new byte[n];
        green = new byte[n];
        blue = new byte[n];
        grey = new byte[n];
      }
    }

    byte[] red() {
      return red;
    }

    byte[] green() {
      return green;
    }

    byte[] blue() {
      return blue;
    }

    byte[] grey() {
      return grey;
    }

    long bytes() {
      long image = bgr == null ? 0 : ((DataBufferByte) bgr.getRaster().getDataBuffer()).getSize();
      return image + 4L * grey.length;
    }

    long pixels() {
      long image = bgr == null ? 0 : (long) bgr.getWidth() * bgr.getHeight();
      return Math.max(image, grey.length);
    }
  }

  private final KeptPool<Frame> kept;

  /**
   * @param clock the time buffers are returned and the time {@link #releaseIdle()} compares
   * @param idle how long buffers may go unused before they are released
   * @param capacity how many sets are kept at most (one per image decoded at once)
   */
  public DecodeBuffers(Clock clock, Duration idle, int capacity) {
    this.kept = new KeptPool<>(clock, idle, capacity, Frame::bytes);
  }

  /** A kept set of buffers, or a new, empty one. */
  public Frame take() {
    Frame f = kept.poll();
    return f == null ? new Frame() : f;
  }

  /**
   * Keeps a set for the next image unless it holds more than {@link
   * Brisque.Workspace#RETAIN_PIXELS} pixels. The pictures decoded into it must not be used after.
   */
  public void give(Frame frame) {
    if (frame.pixels() <= Brisque.Workspace.RETAIN_PIXELS) {
      kept.offer(frame);
    }
  }

  /**
   * Lets go of every set unused for the idle period.
   *
   * @return their bytes (0 when nothing was idle)
   */
  public long releaseIdle() {
    return kept.releaseIdle();
  }

  /** The bytes kept now. */
  public long keptBytes() {
    return kept.keptBytes();
  }
}
