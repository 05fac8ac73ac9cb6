package io.nxs.score.audio;

/**
 * Decoded audio as it was stored: one array of samples per channel, full scale at +-1.
 *
 * @param rate samples per second
 * @param bits bits per sample in the file (8, 16, 24, 32)
 * @param channels the samples, {@code channels[c][i]}
 */
public record Sound(int rate, int bits, float[][] channels) {

  /** Samples per channel. */
  public int length() {
    return channels.length == 0 ? 0 : channels[0].length;
  }

  /** Duration in seconds. */
  public double seconds() {
    return (double) length() / rate;
  }
}
