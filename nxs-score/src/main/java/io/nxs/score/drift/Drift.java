package io.nxs.score.drift;

import java.util.Arrays;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/**
 * The two drift statistics between a reference sample and a recent one.
 *
 * <ul>
 *   <li>Population stability index over ten bins cut at the reference's deciles: {@code sum (r - e)
 *       ln(r / e)} with e and r the reference's and recent share of each bin (each at least 0.0001
 *       so an empty bin does not divide by zero). Under 0.1 is stable, 0.1-0.25 a moderate shift,
 *       over 0.25 a significant one (the usual reading).
 *   <li>The two-sample Kolmogorov-Smirnov test's p-value (Apache Commons Math): how likely samples
 *       this different are if nothing changed.
 * </ul>
 */
public final class Drift {

  private static final double FLOOR = 1e-4;

  private Drift() {}

  /**
   * @param psi the population stability index
   * @param ksStatistic the largest gap between the two empirical distributions
   * @param ksP the KS test's p-value
   */
  public record Result(double psi, double ksStatistic, double ksP) {}

  /**
   * Compares two samples.
   *
   * @throws IllegalArgumentException when either has fewer than two values
   */
  public static Result between(double[] reference, double[] recent) {
    if (reference.length < 2 || recent.length < 2) {
      throw new IllegalArgumentException("drift needs at least two values in each window");
    }
    KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
    double d = ks.kolmogorovSmirnovStatistic(reference, recent);
    double p = ks.kolmogorovSmirnovTest(reference, recent);
    return new Result(psi(reference, recent), d, p);
  }

  /** The population stability index over the reference's deciles. */
  public static double psi(double[] reference, double[] recent) {
    double[] sorted = reference.clone();
    Arrays.sort(sorted);
    double[] cuts = new double[9];
    for (int i = 1; i <= 9; i++) {
      cuts[i - 1] = sorted[(int) Math.floor(i * (sorted.length - 1) / 10.0)];
    }
    double[] e = shares(reference, cuts);
    double[] r = shares(recent, cuts);
    double psi = 0;
    for (int i = 0; i < e.length; i++) {
      psi += (r[i] - e[i]) * Math.log(r[i] / e[i]);
    }
    return psi;
  }

  private static double[] shares(double[] values, double[] cuts) {
    double[] counts = new double[cuts.length + 1];
    for (double v : values) {
      int bin = 0;
      while (bin < cuts.length && v > cuts[bin]) {
        bin++;
      }
      counts[bin]++;
    }
    for (int i = 0; i < counts.length; i++) {
      counts[i] = Math.max(FLOOR, counts[i] / values.length);
    }
    return counts;
  }
}
