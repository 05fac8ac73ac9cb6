package io.nxs.score;

/**
 * One measured dimension: its value and the uncertainty of that value, in the same unit. What the
 * uncertainty means is fixed per dimension and documented with its scorer (for most, the standard
 * error of the measure over parts of the input: image quadrants, audio segments). Never NaN or
 * infinite: a dimension that cannot be measured is left out.
 */
public record Dimension(double value, double uncertainty) {

  public Dimension {
    if (!Double.isFinite(value) || !Double.isFinite(uncertainty) || uncertainty < 0) {
      throw new IllegalArgumentException(
          "a dimension needs a finite value and a finite, non-negative uncertainty, but was "
              + value
              + " +- "
              + uncertainty);
    }
  }

  /** A value with the standard error of its parts ({@code sd / sqrt(n)}). */
  public static Dimension ofParts(double value, double... parts) {
    return new Dimension(value, standardError(parts));
  }

  /** The standard error of the mean of the parts; 0 for fewer than two. */
  public static double standardError(double... parts) {
    int n = parts.length;
    if (n < 2) {
      return 0;
    }
    double mean = 0;
    for (double p : parts) {
      mean += p;
    }
    mean /= n;
    double ss = 0;
    for (double p : parts) {
      ss += (p - mean) * (p - mean);
    }
    return Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
  }
}
