package io.nxs.score.audio;

import io.nxs.core.NxsException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * WADA-SNR (Kim and Stern, Interspeech 2008): a blind estimate of a speech recording's SNR from the
 * shape of its waveform amplitude distribution. With |z| the absolute samples, G = ln(mean |z|) -
 * mean ln |z| grows with the SNR; the SNR is read off the table G(SNR) of the paper's model
 * (gamma-distributed speech amplitudes, shape 0.4, in Gaussian noise), which NXS computes itself
 * ({@code bench/score/make-wada-table.py}, resource {@code wada/wada-table.txt}). Below the table
 * the estimate is -20 dB, above it 100 dB, as in the original.
 */
public final class WadaSnr {

  private static final double[] SNR;
  private static final double[] G;

  static {
    List<double[]> rows = new ArrayList<>();
    try (InputStream in = WadaSnr.class.getResourceAsStream("/io/nxs/score/wada/wada-table.txt")) {
      if (in == null) {
        throw new NxsException("the WADA-SNR table is missing from the nxs-score jar");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] p = line.trim().split("\\s+");
        rows.add(new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1])});
      }
    } catch (IOException e) {
      throw new NxsException("cannot read the WADA-SNR table: " + e.getMessage(), e);
    }
    SNR = new double[rows.size()];
    G = new double[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      SNR[i] = rows.get(i)[0];
      G[i] = rows.get(i)[1];
    }
  }

  private WadaSnr() {}

  /**
   * The estimated SNR in dB of samples {@code from} (inclusive) to {@code to}; empty when they are
   * all zero.
   */
  public static OptionalDouble estimate(float[] x, int from, int to) {
    return Sums.of(x, from, to).snr();
  }

  /**
   * The sums WADA-SNR needs over a stretch of samples; sums of parts add up to the whole's.
   *
   * @param abs sum of |z|, each at least 1e-10
   * @param log sum of ln |z|
   * @param n how many samples
   * @param nonZero how many samples are not zero
   */
  public record Sums(double abs, double log, long n, long nonZero) {

    /** The sums over samples {@code from} (inclusive) to {@code to}. */
    public static Sums of(float[] x, int from, int to) {
      double sumAbs = 0;
      double sumLog = 0;
      long nonZero = 0;
      for (int i = from; i < to; i++) {
        float a = Math.abs(x[i]);
        if (a > 0) {
          nonZero++;
        }
        double d = Math.max(a, 1e-10);
        sumAbs += d;
        sumLog += Math.log(d);
      }
      return new Sums(sumAbs, sumLog, Math.max(0, to - from), nonZero);
    }

    /** The sums of this and another stretch. */
    public Sums plus(Sums o) {
      return new Sums(abs + o.abs, log + o.log, n + o.n, nonZero + o.nonZero);
    }

    /** The estimate; empty when every sample is zero. */
    public OptionalDouble snr() {
      if (nonZero == 0) {
        return OptionalDouble.empty();
      }
      double g = Math.log(abs / n) - log / n;
      return OptionalDouble.of(lookup(g));
    }
  }

  /** The SNR for a G by linear interpolation in the table. */
  static double lookup(double g) {
    if (g <= G[0]) {
      return SNR[0];
    }
    if (g >= G[G.length - 1]) {
      return SNR[SNR.length - 1];
    }
    int i = 1;
    while (G[i] < g) {
      i++;
    }
    double t = (g - G[i - 1]) / (G[i] - G[i - 1]);
    return SNR[i - 1] + t * (SNR[i] - SNR[i - 1]);
  }
}
