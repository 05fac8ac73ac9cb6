package io.nxs.score.image;

import java.util.Optional;
import org.apache.commons.math3.special.Gamma;

/**
 * BRISQUE (Mittal, Moorthy and Bovik 2012): no-reference technical quality from natural-scene
 * statistics, computed as OpenCV's {@code cv::quality::QualityBRISQUE} computes it so that the
 * published LIVE model gives the same score (agreement within 2 points is tested in CI against
 * Debian's {@code python3-opencv}).
 *
 * <p>Design note, following OpenCV step by step: the 8-bit grey image scaled to [0, 1] in 32-bit
 * floats; at two scales (the image, then a bicubic half-size copy) the MSCN coefficients {@code (I
 * - mu) / (sigma + 1/255)} with mu and sigma from a 7x7 Gaussian (sigma 7/6, replicated border); an
 * asymmetric generalised Gaussian fitted by moment matching (gamma searched from 0.2 in steps of
 * 0.001) to the MSCN map and to its products with the four neighbours (H, V, D1, D2; zero outside
 * the image). As in OpenCV, a negative local variance (float rounding in flat areas) gives NaN,
 * which counts in the pixel total but in no sum. The same pass accumulates the sums of each image
 * quadrant too, so the score's spread over the quadrants comes at almost no extra cost: that spread
 * is the uncertainty NXS reports.
 */
public final class Brisque {

  /** Smallest side BRISQUE is computed on: the half-size copy must still hold 7x7 windows. */
  public static final int MIN_SIDE = 32;

  private static final float[] KERNEL = gaussianKernel(7, 7.0 / 6.0);
  private static final int LANES = 8; // OpenCV's AVX2 filters: eight floats at a time
  private static final double GAMMA_START = 0.2;
  private static final double[] GAMMAS;
  private static final double[] RATIOS;

  /**
   * Per grid gamma, the AGGD's {@code sqrt(G(1/g)) / sqrt(G(3/g))} and {@code G(2/g) / G(1/g)}: the
   * features need them for every fit (160 gamma functions per image, ~5 % of the daemon's CPU per
   * image when computed each time), and a fitted gamma is always a grid point.
   */
  private static final double[] CONSTANTS;

  private static final double[] MEAN_FACTORS;

  static {
    // The same accumulation of 0.001 steps as OpenCV's loop, so the chosen gamma is the same.
    int n = 0;
    for (double g = GAMMA_START; g < 10; g += 0.001) {
      n++;
    }
    GAMMAS = new double[n];
    RATIOS = new double[n];
    CONSTANTS = new double[n];
    MEAN_FACTORS = new double[n];
    int i = 0;
    for (double g = GAMMA_START; g < 10; g += 0.001) {
      GAMMAS[i] = g;
      double g1 = Gamma.gamma(1 / g);
      double g2 = Gamma.gamma(2 / g);
      double g3 = Gamma.gamma(3 / g);
      RATIOS[i] = g2 * g2 / (g1 * g3);
      CONSTANTS[i] = Math.sqrt(g1) / Math.sqrt(g3);
      MEAN_FACTORS[i] = g2 / g1;
      i++;
    }
  }

  private Brisque() {}

  /**
   * The score of the whole image and of each quadrant.
   *
   * @param whole the BRISQUE score, 0 (best) to 100
   * @param quadrants the scores of the four quadrants (top-left, top-right, bottom-left,
   *     bottom-right)
   * @param features the 36 raw features of the whole image
   */
  public record Result(double whole, double[] quadrants, float[] features) {}

  /**
   * Computes BRISQUE for an 8-bit grey image.
   *
   * @param grey row-major grey levels 0-255
   * @return empty when the image is too small or flat for the features to exist (no positive or no
   *     negative MSCN coefficients)
   */
  public static Optional<Result> compute(byte[] grey, int width, int height, BrisqueModel model) {
    if (Math.min(width, height) < MIN_SIDE) {
      return Optional.empty();
    }
    return compute(grey, width, height, model, new Workspace(width, height));
  }

  /**
   * Computes BRISQUE for an 8-bit grey image in a workspace from (and returned to) {@code
   * workspaces}; the same result as {@link #compute(byte[], int, int, BrisqueModel)}, to the bit.
   */
  public static Optional<Result> compute(
      byte[] grey, int width, int height, BrisqueModel model, BrisqueWorkspaces workspaces) {
    if (Math.min(width, height) < MIN_SIDE) {
      return Optional.empty();
    }
    Workspace ws = workspaces.take(width, height);
    try {
      return compute(grey, width, height, model, ws);
    } finally {
      workspaces.give(ws);
    }
  }

  private static Optional<Result> compute(
      byte[] grey, int width, int height, BrisqueModel model, Workspace ws) {
    int n = width * height;
    float[] image = ws.image;
    for (int i = 0; i < n; i++) {
      image[i] = (grey[i] & 0xff) * (1f / 255f);
    }
    float[][] features = new float[5][BrisqueModel.FEATURES];
    if (!scale(image, width, height, features, 0, ws)) {
      return Optional.empty();
    }
    int w2 = width / 2;
    int h2 = height / 2;
    float[] half = ws.half;
    resizeCubic(image, width, height, w2, h2, ws.resized, half);
    if (!scale(half, w2, h2, features, 18, ws)) {
      return Optional.empty();
    }
    double whole = model.predict(features[0]);
    double[] quadrants = new double[4];
    for (int q = 0; q < 4; q++) {
      quadrants[q] = model.predict(features[q + 1]);
    }
    return Optional.of(new Result(whole, quadrants, features[0]));
  }

  /**
   * The float arrays one computation works in: the image in floats, the half-size copy and the pass
   * over the rows that makes it (7 bytes per pixel, 14.5 MB for Full HD), and rows: the last eight
   * rows of each blur's pass over the rows, the blurred rows of the current row and the last three
   * rows of the MSCN map (a few hundred kB). {@link BrisqueWorkspaces} keeps a few between images.
   * The values are the same in a new or a reused workspace: every array is written before it is
   * read, and the MSCN rows' zero border is cleared on every use.
   */
  static final class Workspace {

    /** Images up to this many pixels (Full HD, rounded up) keep their workspace for the next. */
    static final long RETAIN_PIXELS = 2_100_000;

    /** Rows of each blur's pass over the rows kept at once: the column pass needs seven. */
    private static final int RING = 8;

    final float[] image;
    final float[] resized;
    final float[] half;
    private float[] ringMu = new float[0];
    private float[] ringSq = ringMu;
    private float[] line = ringMu;
    private float[] mu = ringMu;
    private float[] sigma = ringMu;
    private float[] mscn = ringMu;
    private final long pixels;

    /** A workspace for an image of this size (its rows grow if a wider one comes later). */
    Workspace(int width, int height) {
      pixels = (long) width * height;
      int n = Math.toIntExact(pixels);
      image = new float[n];
      resized = new float[n / 2 + 1];
      half = new float[n / 4 + 1];
      width(width);
    }

    /** Makes the row arrays hold rows of {@code w} pixels. */
    void width(int w) {
      if (mu.length < w) {
        ringMu = new float[RING * w];
        ringSq = new float[RING * w];
        line = new float[w + 6];
        mu = new float[w];
        sigma = new float[w];
        mscn = new float[4 * (w + 1)];
      }
    }

    /** The largest image (width x height) this workspace holds. */
    long pixels() {
      return pixels;
    }

    /** The bytes of its arrays. */
    long bytes() {
      return 4L
          * (image.length
              + resized.length
              + half.length
              + ringMu.length
              + ringSq.length
              + line.length
              + mu.length
              + sigma.length
              + mscn.length);
    }
  }

  /**
   * The 18 features of one scale, for the whole image (row 0) and each quadrant (rows 1-4).
   *
   * @return false when a fit has no positive or no negative values
   */
  private static boolean scale(float[] img, int w, int h, float[][] out, int offset, Workspace ws) {
    int n = w * h;
    ws.width(w);
    float[] ringMu = ws.ringMu;
    float[] ringSq = ws.ringSq;
    float[] mu = ws.mu;
    float[] sigma = ws.sigma;
    // The MSCN map's last three rows, each with a zero column on the right, and a row of zeros
    // (slot 3) above the first and below the last row: every pixel has all four neighbours and the
    // products at the edges are 0, as in OpenCV. A NaN (OpenCV's sqrt of a negative rounding
    // residue in a flat area) counts in the pixel total but in no sum, exactly as a zero does, so
    // it is stored as 0: the accumulation then needs no test per value and gives the same sums.
    int stride = w + 1;
    float[] mscn = ws.mscn;
    java.util.Arrays.fill(mscn, 0, 4 * stride, 0f);
    Aggd[] fits = new Aggd[5];
    for (int k = 0; k < 5; k++) {
      fits[k] = new Aggd();
    }
    int halfW = w / 2;
    int halfH = h / 2;
    // Row by row: a row's blurred values (the image's and its squares') need the pass over the
    // rows of the seven rows around it, a row's MSCN values its blurred values, and the sums of a
    // row its MSCN neighbours below; each step runs as soon as what it needs is there, so the
    // intermediate rows stay in the cache. Each value is computed as the whole-image passes did.
    int filtered = 0;
    for (int y = 0; y < h; y++) {
      for (int last = Math.min(h - 1, y + 3); filtered <= last; filtered++) {
        int slot = (filtered & (Workspace.RING - 1)) * w;
        blurRow(img, filtered * w, w, false, ws.line, ringMu, slot);
        blurRow(img, filtered * w, w, true, ws.line, ringSq, slot);
      }
      blurColumns(ringMu, w, h, y, mu);
      blurColumns(ringSq, w, h, y, sigma);
      int row = y * w;
      int at = (y % 3) * stride;
      for (int x = 0; x < w; x++) {
        float m = mu[x];
        float var = sigma[x] - m * m;
        float s = (float) Math.sqrt(var) + (1f / 255f);
        float c = (img[row + x] - m) / s;
        mscn[at + x] = c == c ? c : 0f;
      }
      if (y > 0) {
        accumulateRow(mscn, stride, y - 1, h, halfW, halfH, w, fits);
      }
    }
    accumulateRow(mscn, stride, h - 1, h, halfW, halfH, w, fits);
    int[] totals = {
      n, halfW * halfH, (w - halfW) * halfH, halfW * (h - halfH), (w - halfW) * (h - halfH)
    };
    for (int region = 0; region < 5; region++) {
      float[] f = out[region];
      double[] fit = fits[0].fit(region, totals[region]);
      if (fit == null) {
        return false;
      }
      f[offset] = (float) fit[2];
      f[offset + 1] = (float) ((fit[0] * fit[0] + fit[1] * fit[1]) / 2);
      for (int k = 1; k <= 4; k++) {
        double[] p = fits[k].fit(region, totals[region]);
        if (p == null) {
          return false;
        }
        double l = p[0];
        double r = p[1];
        double g = p[2];
        int grid = (int) p[3];
        double mean = (r - l) * MEAN_FACTORS[grid] * CONSTANTS[grid];
        int at = offset + 2 + (k - 1) * 4;
        f[at] = (float) g;
        f[at + 1] = (float) mean;
        f[at + 2] = (float) (l * l);
        f[at + 3] = (float) (r * r);
      }
    }
    return true;
  }

  /** Adds row {@code y} of the MSCN map (the last three rows, slot {@code y % 3}) to the sums. */
  private static void accumulateRow(
      float[] mscn, int stride, int y, int h, int halfW, int halfH, int w, Aggd[] fits) {
    int zero = 3 * stride;
    int row = (y % 3) * stride;
    int above = y > 0 ? ((y - 1) % 3) * stride : zero;
    int below = y < h - 1 ? ((y + 1) % 3) * stride : zero;
    int quadrant = 1 + (y >= halfH ? 2 : 0);
    accumulate(mscn, row, above, below, 0, halfW, fits, quadrant);
    accumulate(mscn, row, above, below, halfW, w, fits, quadrant + 1);
  }

  /** Sums for an asymmetric generalised Gaussian fit, per region (0 whole, 1-4 quadrants). */
  private static final class Aggd {
    final double[] posSq = new double[5];
    final double[] negSq = new double[5];
    final double[] abs = new double[5];
    final long[] pos = new long[5];
    final long[] neg = new long[5];

    void put(int region, double posSq, double negSq, double abs, int pos, int neg) {
      this.posSq[region] = posSq;
      this.negSq[region] = negSq;
      this.abs[region] = abs;
      this.pos[region] += pos;
      this.neg[region] += neg;
    }

    /**
     * @return {lsigma, rsigma, gamma, gamma's index in the grid}, or null without both signs
     */
    double[] fit(int region, long total) {
      double ps;
      double ns;
      double as;
      long pc;
      long nc;
      if (region == 0) {
        ps = posSq[1] + posSq[2] + posSq[3] + posSq[4];
        ns = negSq[1] + negSq[2] + negSq[3] + negSq[4];
        as = abs[1] + abs[2] + abs[3] + abs[4];
        pc = pos[1] + pos[2] + pos[3] + pos[4];
        nc = neg[1] + neg[2] + neg[3] + neg[4];
      } else {
        ps = posSq[region];
        ns = negSq[region];
        as = abs[region];
        pc = pos[region];
        nc = neg[region];
      }
      if (pc == 0 || nc == 0) {
        return null;
      }
      double l = Math.sqrt(ns / nc);
      double r = Math.sqrt(ps / pc);
      double gh = l / r;
      double rhat = Math.pow(as / total, 2) / ((ns + ps) / total);
      double rhatnorm = rhat * (Math.pow(gh, 3) + 1) * (gh + 1) / Math.pow(Math.pow(gh, 2) + 1, 2);
      int grid = bestGammaIndex(rhatnorm);
      return new double[] {l, r, GAMMAS[grid], grid};
    }
  }

  /**
   * Adds one row segment's pixels to one region's sums of the five fits: the MSCN value and its
   * products with the right, lower, lower-right and upper-right neighbours. Per fit, the positive
   * values' squares, the negative values' squares, the absolute values and the counts of each sign.
   *
   * <p>The sums live in locals for the segment and each takes every pixel of its region in raster
   * order, so they round exactly as one running sum per region would. There is no branch on the
   * sign, which is random (a branch would be mispredicted half the time): the sign bit, spread to a
   * mask, sends the square to one sum and 0 to the other, the magnitude goes to the absolute sum
   * ({@code |v|} added is {@code v} subtracted, to the bit), and a value counts when its magnitude
   * is not zero. The map holds no NaN, so every value is a number and +-0 counts nowhere.
   */
  private static void accumulate(
      float[] m, int row, int above, int below, int from, int to, Aggd[] fits, int region) {
    Aggd f0 = fits[0];
    Aggd f1 = fits[1];
    Aggd f2 = fits[2];
    Aggd f3 = fits[3];
    Aggd f4 = fits[4];
    double p0 = f0.posSq[region];
    double n0 = f0.negSq[region];
    double a0 = f0.abs[region];
    double p1 = f1.posSq[region];
    double n1 = f1.negSq[region];
    double a1 = f1.abs[region];
    double p2 = f2.posSq[region];
    double n2 = f2.negSq[region];
    double a2 = f2.abs[region];
    double p3 = f3.posSq[region];
    double n3 = f3.negSq[region];
    double a3 = f3.abs[region];
    double p4 = f4.posSq[region];
    double n4 = f4.negSq[region];
    double a4 = f4.abs[region];
    int nonZero0 = 0;
    int nonZero1 = 0;
    int nonZero2 = 0;
    int nonZero3 = 0;
    int nonZero4 = 0;
    int negative0 = 0;
    int negative1 = 0;
    int negative2 = 0;
    int negative3 = 0;
    int negative4 = 0;
    for (int x = from; x < to; x++) {
      float v = m[row + x];
      int b0 = Float.floatToRawIntBits(v);
      int b1 = Float.floatToRawIntBits(v * m[row + x + 1]);
      int b2 = Float.floatToRawIntBits(v * m[below + x]);
      int b3 = Float.floatToRawIntBits(v * m[below + x + 1]);
      int b4 = Float.floatToRawIntBits(v * m[above + x + 1]);
      int s0 = b0 >> 31;
      int s1 = b1 >> 31;
      int s2 = b2 >> 31;
      int s3 = b3 >> 31;
      int s4 = b4 >> 31;
      int u0 = b0 & Integer.MAX_VALUE;
      int u1 = b1 & Integer.MAX_VALUE;
      int u2 = b2 & Integer.MAX_VALUE;
      int u3 = b3 & Integer.MAX_VALUE;
      int u4 = b4 & Integer.MAX_VALUE;
      float q0 = Float.intBitsToFloat(u0);
      float q1 = Float.intBitsToFloat(u1);
      float q2 = Float.intBitsToFloat(u2);
      float q3 = Float.intBitsToFloat(u3);
      float q4 = Float.intBitsToFloat(u4);
      int sq0 = Float.floatToRawIntBits(q0 * q0);
      int sq1 = Float.floatToRawIntBits(q1 * q1);
      int sq2 = Float.floatToRawIntBits(q2 * q2);
      int sq3 = Float.floatToRawIntBits(q3 * q3);
      int sq4 = Float.floatToRawIntBits(q4 * q4);
      p0 += Float.intBitsToFloat(sq0 & ~s0);
      n0 += Float.intBitsToFloat(sq0 & s0);
      a0 += q0;
      p1 += Float.intBitsToFloat(sq1 & ~s1);
      n1 += Float.intBitsToFloat(sq1 & s1);
      a1 += q1;
      p2 += Float.intBitsToFloat(sq2 & ~s2);
      n2 += Float.intBitsToFloat(sq2 & s2);
      a2 += q2;
      p3 += Float.intBitsToFloat(sq3 & ~s3);
      n3 += Float.intBitsToFloat(sq3 & s3);
      a3 += q3;
      p4 += Float.intBitsToFloat(sq4 & ~s4);
      n4 += Float.intBitsToFloat(sq4 & s4);
      a4 += q4;
      // 1 for a value other than +-0: its magnitude's bits are at least 1, and adding
      // Integer.MAX_VALUE carries into the sign bit
      int nz0 = (u0 + Integer.MAX_VALUE) >>> 31;
      int nz1 = (u1 + Integer.MAX_VALUE) >>> 31;
      int nz2 = (u2 + Integer.MAX_VALUE) >>> 31;
      int nz3 = (u3 + Integer.MAX_VALUE) >>> 31;
      int nz4 = (u4 + Integer.MAX_VALUE) >>> 31;
      nonZero0 += nz0;
      nonZero1 += nz1;
      nonZero2 += nz2;
      nonZero3 += nz3;
      nonZero4 += nz4;
      negative0 += nz0 & s0;
      negative1 += nz1 & s1;
      negative2 += nz2 & s2;
      negative3 += nz3 & s3;
      negative4 += nz4 & s4;
    }
    f0.put(region, p0, n0, a0, nonZero0 - negative0, negative0);
    f1.put(region, p1, n1, a1, nonZero1 - negative1, negative1);
    f2.put(region, p2, n2, a2, nonZero2 - negative2, negative2);
    f3.put(region, p3, n3, a3, nonZero3 - negative3, negative3);
    f4.put(region, p4, n4, a4, nonZero4 - negative4, negative4);
  }

  /**
   * The gamma OpenCV's linear search stops at: the last grid point before |r(gamma) - rhat| first
   * grows. r(gamma) rises with gamma, so that is the grid point on either side of the crossing with
   * the smaller difference (ties go up, as the search only stops on a strict rise).
   */
  static double bestGamma(double rhatnorm) {
    return GAMMAS[bestGammaIndex(rhatnorm)];
  }

  /** The index in the grid of {@link #bestGamma}. */
  private static int bestGammaIndex(double rhatnorm) {
    if (Double.isNaN(rhatnorm)) {
      return GAMMAS.length - 1;
    }
    int lo = 0;
    int hi = RATIOS.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (RATIOS[mid] < rhatnorm) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo == 0) {
      return 0;
    }
    if (lo == RATIOS.length) {
      return RATIOS.length - 1;
    }
    double below = Math.abs(RATIOS[lo - 1] - rhatnorm);
    double above = Math.abs(RATIOS[lo] - rhatnorm);
    return above > below ? lo - 1 : lo;
  }

  /** OpenCV's getGaussianKernel for a positive sigma, in floats. */
  static float[] gaussianKernel(int n, double sigma) {
    double[] k = new double[n];
    double sum = 0;
    double scale = -0.5 / (sigma * sigma);
    for (int i = 0; i < n; i++) {
      double x = i - (n - 1) * 0.5;
      k[i] = Math.exp(scale * x * x);
      sum += k[i];
    }
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (k[i] / sum);
    }
    return out;
  }

  /**
   * A separable 7x7 Gaussian blur with a replicated border, of an image or, with {@code squares},
   * of its squares (each rounded to a float, as a squared copy would hold them), with OpenCV's
   * float arithmetic: its AVX2 row filter multiplies the first tap and adds the others by fused
   * multiply-add, left to right; its symmetric column filter multiplies the centre row and adds
   * each mirrored pair's sum by fused multiply-add; the last {@code width % 8} pixels of a row,
   * past the vector lanes, use plain multiply and add. Matching the rounding matters in flat areas,
   * where it alone decides whether a coefficient is zero, tiny or NaN.
   *
   * <p>This is the pass over one row, from {@code src} at {@code base} into {@code dst} at {@code
   * at}, through {@code row} (at least {@code w + 6} floats); {@link #blurColumns} is the other.
   */
  static void blurRow(
      float[] src, int base, int w, boolean squares, float[] row, float[] dst, int at) {
    float[] k = KERNEL;
    int vector = w - w % LANES;
    float k0 = k[0];
    float k1 = k[1];
    float k2 = k[2];
    float k3 = k[3];
    float k4 = k[4];
    float k5 = k[5];
    float k6 = k[6];
    if (squares) {
      for (int x = 0; x < w; x++) {
        float v = src[base + x];
        row[x + 3] = v * v;
      }
    } else {
      System.arraycopy(src, base, row, 3, w);
    }
    for (int x = 0; x < 3; x++) {
      row[x] = row[3];
      row[w + 3 + x] = row[w + 2];
    }
    // tap by tap, left to right (OpenCV's vector loop's order of operations per pixel)
    for (int x = 0; x < vector; x++) {
      float s = row[x] * k0;
      s = Math.fma(row[x + 1], k1, s);
      s = Math.fma(row[x + 2], k2, s);
      s = Math.fma(row[x + 3], k3, s);
      s = Math.fma(row[x + 4], k4, s);
      s = Math.fma(row[x + 5], k5, s);
      s = Math.fma(row[x + 6], k6, s);
      dst[at + x] = s;
    }
    for (int x = vector; x < w; x++) {
      float s = row[x] * k0;
      for (int t = 1; t < 7; t++) {
        s += row[x + t] * k[t];
      }
      dst[at + x] = s;
    }
  }

  /**
   * The blur's pass over the columns for row {@code y} of an image {@code h} rows high, from the
   * row passes of rows {@code y - 3} to {@code y + 3} (replicated at the border), row {@code r} at
   * {@code (r % 8) * w} in {@code rows}, into {@code dst}.
   */
  static void blurColumns(float[] rows, int w, int h, int y, float[] dst) {
    int vector = w - w % LANES;
    float c0 = KERNEL[3];
    float c1 = KERNEL[4];
    float c2 = KERNEL[5];
    float c3 = KERNEL[6];
    int r0 = ring(y, h, w);
    int m1 = ring(y - 1, h, w);
    int p1 = ring(y + 1, h, w);
    int m2 = ring(y - 2, h, w);
    int p2 = ring(y + 2, h, w);
    int m3 = ring(y - 3, h, w);
    int p3 = ring(y + 3, h, w);
    for (int x = 0; x < vector; x++) {
      float s = rows[r0 + x] * c0;
      s = Math.fma(rows[p1 + x] + rows[m1 + x], c1, s);
      s = Math.fma(rows[p2 + x] + rows[m2 + x], c2, s);
      s = Math.fma(rows[p3 + x] + rows[m3 + x], c3, s);
      dst[x] = s;
    }
    for (int x = vector; x < w; x++) {
      float s = rows[r0 + x] * c0;
      s += c1 * (rows[p1 + x] + rows[m1 + x]);
      s += c2 * (rows[p2 + x] + rows[m2 + x]);
      s += c3 * (rows[p3 + x] + rows[m3 + x]);
      dst[x] = s;
    }
  }

  /** Where row {@code r} (replicated at the border) starts in a blur's ring of row passes. */
  private static int ring(int r, int h, int w) {
    return (clamp(r, h) & (Workspace.RING - 1)) * w;
  }

  private static int clamp(int i, int n) {
    return i < 0 ? 0 : i >= n ? n - 1 : i;
  }

  /**
   * OpenCV's {@code resize(..., INTER_CUBIC)} for floats: Keys' cubic (A = -0.75), pixel centres
   * aligned, a replicated border; rows first, then columns. Writes into {@code out}, with {@code
   * rows} (at least {@code h * dw} floats) for the pass over the rows.
   */
  static void resizeCubic(float[] src, int w, int h, int dw, int dh, float[] rows, float[] out) {
    int[] xs = new int[dw * 4];
    float[] xc = new float[dw * 4];
    taps(w, dw, xs, xc);
    int[] ys = new int[dh * 4];
    float[] yc = new float[dh * 4];
    taps(h, dh, ys, yc);
    // Halving an even width, every output column but the first and last reads the four pixels from
    // 2x - 1 with the same four coefficients: those columns need neither table.
    boolean regular = regularHalf(w, dw, xs, xc);
    float c0 = xc[4];
    float c1 = xc[5];
    float c2 = xc[6];
    float c3 = xc[7];
    for (int y = 0; y < h; y++) {
      int s = y * w;
      int d = y * dw;
      if (regular) {
        rows[d] = tap4(src, s, xs, xc, 0);
        for (int x = 1, p = s + 1; x < dw - 1; x++, p += 2) {
          rows[d + x] = src[p] * c0 + src[p + 1] * c1 + src[p + 2] * c2 + src[p + 3] * c3;
        }
        rows[d + dw - 1] = tap4(src, s, xs, xc, dw - 1);
      } else {
        for (int x = 0; x < dw; x++) {
          rows[d + x] = tap4(src, s, xs, xc, x);
        }
      }
    }
    for (int y = 0; y < dh; y++) {
      int t = y * 4;
      int r0 = ys[t] * dw;
      int r1 = ys[t + 1] * dw;
      int r2 = ys[t + 2] * dw;
      int r3 = ys[t + 3] * dw;
      float b0 = yc[t];
      float b1 = yc[t + 1];
      float b2 = yc[t + 2];
      float b3 = yc[t + 3];
      int d = y * dw;
      for (int x = 0; x < dw; x++) {
        out[d + x] = rows[r0 + x] * b0 + rows[r1 + x] * b1 + rows[r2 + x] * b2 + rows[r3 + x] * b3;
      }
    }
  }

  /** Output column {@code x} of the row pass over the row at {@code s}. */
  private static float tap4(float[] src, int s, int[] xs, float[] xc, int x) {
    int t = x * 4;
    return src[s + xs[t]] * xc[t]
        + src[s + xs[t + 1]] * xc[t + 1]
        + src[s + xs[t + 2]] * xc[t + 2]
        + src[s + xs[t + 3]] * xc[t + 3];
  }

  /**
   * Whether output columns 1 to {@code dw - 2} each read the pixels from {@code 2x - 1} with column
   * 1's coefficients (true when an even width is halved: every tap lands half way).
   */
  private static boolean regularHalf(int w, int dw, int[] xs, float[] xc) {
    if (w != 2 * dw || dw < 3) {
      return false;
    }
    for (int x = 1; x < dw - 1; x++) {
      int t = x * 4;
      for (int k = 0; k < 4; k++) {
        if (xs[t + k] != 2 * x - 1 + k
            || Float.floatToRawIntBits(xc[t + k]) != Float.floatToRawIntBits(xc[4 + k])) {
          return false;
        }
      }
    }
    return true;
  }

  private static void taps(int size, int dsize, int[] index, float[] coeff) {
    double scale = 1.0 / ((double) dsize / size);
    final float a = -0.75f;
    for (int d = 0; d < dsize; d++) {
      float f = (float) ((d + 0.5) * scale - 0.5);
      int s = (int) Math.floor(f);
      float x = f - s;
      float c0 = ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a;
      float c1 = ((a + 2) * x - (a + 3)) * x * x + 1;
      float c2 = ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1;
      float c3 = 1f - c0 - c1 - c2;
      int t = d * 4;
      coeff[t] = c0;
      coeff[t + 1] = c1;
      coeff[t + 2] = c2;
      coeff[t + 3] = c3;
      for (int k = 0; k < 4; k++) {
        index[t + k] = clamp(s - 1 + k, size);
      }
    }
  }
}
