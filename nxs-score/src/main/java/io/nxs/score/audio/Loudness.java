package io.nxs.score.audio;

import java.util.OptionalDouble;

/**
 * Integrated loudness per ITU-R BS.1770-4 at 48 kHz: K-weighting (the standard's pre-filter and RLB
 * high-pass, with its published 48 kHz coefficients), mean square per channel over 400 ms blocks
 * every 100 ms, channel weights (1.0 front, 1.41 surround, LFE left out), the absolute gate at -70
 * LKFS and the relative gate 10 LU below the absolutely gated loudness. Checked in CI against
 * ffmpeg's {@code ebur128} filter, which also measures at 48 kHz.
 */
public final class Loudness {

  /** The rate the coefficients are for. */
  public static final int RATE = 48_000;

  private static final double[] PRE_B = {1.53512485958697, -2.69169618940638, 1.19839281085285};
  private static final double[] PRE_A = {1.0, -1.69065929318241, 0.73248077421585};
  private static final double[] RLB_B = {1.0, -2.0, 1.0};
  private static final double[] RLB_A = {1.0, -1.99004745483398, 0.99007225036621};

  private static final int BLOCK = RATE * 400 / 1000;
  private static final int STEP = RATE * 100 / 1000;

  private Loudness() {}

  /**
   * The integrated loudness in LUFS; empty when no 400 ms block passes the gates (shorter than 400
   * ms, or silence).
   *
   * @param channels 48 kHz samples per channel, full scale +-1
   */
  public static OptionalDouble integrated(float[][] channels) {
    int n = channels[0].length;
    if (n < BLOCK) {
      return OptionalDouble.empty();
    }
    int blocks = (n - BLOCK) / STEP + 1;
    // weighted mean square per 100 ms step, so each 400 ms block is the sum of four steps
    int steps = n / STEP;
    double[] stepEnergy = new double[steps];
    for (int c = 0; c < channels.length; c++) {
      double weight = weight(c, channels.length);
      if (weight == 0) {
        continue;
      }
      kWeightedEnergy(channels[c], steps, weight, stepEnergy);
    }
    double[] z = new double[blocks];
    for (int j = 0; j < blocks; j++) {
      double e = 0;
      for (int s = j; s < j + 4; s++) {
        e += stepEnergy[s];
      }
      z[j] = e / BLOCK;
    }
    double absSum = 0;
    int absCount = 0;
    for (double e : z) {
      if (lufs(e) > -70) {
        absSum += e;
        absCount++;
      }
    }
    if (absCount == 0) {
      return OptionalDouble.empty();
    }
    double relGate = lufs(absSum / absCount) - 10;
    double sum = 0;
    int count = 0;
    for (double e : z) {
      double l = lufs(e);
      if (l > -70 && l > relGate) {
        sum += e;
        count++;
      }
    }
    return count == 0 ? OptionalDouble.empty() : OptionalDouble.of(lufs(sum / count));
  }

  private static double lufs(double meanSquare) {
    return -0.691 + 10 * Math.log10(meanSquare);
  }

  /** BS.1770 channel weights for the usual channel orders (L R C LFE Ls Rs ...). */
  private static double weight(int channel, int count) {
    if (count <= 3) {
      return 1.0;
    }
    if (channel == 3 && count >= 6) {
      return 0; // LFE
    }
    return channel >= 4 || (count == 4 && channel >= 2) ? 1.41 : 1.0;
  }

  /**
   * Runs both K-weighting stages over a channel in one pass (no intermediate arrays) and adds the
   * weighted energy of each 100 ms step to {@code stepEnergy}.
   */
  private static void kWeightedEnergy(float[] x, int steps, double weight, double[] stepEnergy) {
    double b0 = PRE_B[0];
    double b1 = PRE_B[1];
    double b2 = PRE_B[2];
    double a1 = PRE_A[1];
    double a2 = PRE_A[2];
    double c1 = RLB_A[1];
    double c2 = RLB_A[2];
    double x1 = 0;
    double x2 = 0;
    double y1 = 0;
    double y2 = 0;
    double z1 = 0;
    double z2 = 0;
    for (int s = 0; s < steps; s++) {
      double e = 0;
      for (int i = s * STEP, end = i + STEP; i < end; i++) {
        double x0 = x[i];
        double y0 = b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
        // RLB: b = {1, -2, 1}
        double z0 = y0 - 2 * y1 + y2 - c1 * z1 - c2 * z2;
        e += z0 * z0;
        x2 = x1;
        x1 = x0;
        y2 = y1;
        y1 = y0;
        z2 = z1;
        z1 = z0;
      }
      stepEnergy[s] += weight * e;
    }
  }

  /** Both K-weighting stages over a whole signal, for tests. */
  static double[] kWeight(float[] x) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      d[i] = x[i];
    }
    return biquad(biquad(d, PRE_B, PRE_A), RLB_B, RLB_A);
  }

  private static double[] biquad(double[] x, double[] b, double[] a) {
    double[] y = new double[x.length];
    double x1 = 0;
    double x2 = 0;
    double y1 = 0;
    double y2 = 0;
    for (int i = 0; i < x.length; i++) {
      double x0 = x[i];
      double y0 = b[0] * x0 + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2;
      y[i] = y0;
      x2 = x1;
      x1 = x0;
      y2 = y1;
      y1 = y0;
    }
    return y;
  }
}
