package io.nxs.score.image;

/**
 * The classical technical measures of an image, each for the whole image and its four quadrants
 * (index 0 whole, 1-4 top-left, top-right, bottom-left, bottom-right), from two passes over the
 * pixels (the colour planes; the grey 3x3 neighbourhoods with the grey steps), each summing
 * integers:
 *
 * <ul>
 *   <li>sharpness: variance of the 4-neighbour Laplacian of the grey image (Pech-Pacheco et al.
 *       2000), in grey levels squared;
 *   <li>noise: Immerkaer's fast noise estimate (1996), the standard deviation of Gaussian noise in
 *       grey levels, from the absolute response to the difference-of-Laplacians mask;
 *   <li>exposure: the fraction of pixels clipped in the shadows (grey &lt;= 2) or highlights (&gt;=
 *       253);
 *   <li>brightness: the mean grey level / 255;
 *   <li>contrast: RMS contrast, the standard deviation of grey / 255;
 *   <li>colorfulness: Hasler and Suesstrunk's M (2003) over the opponent channels rg and yb;
 *   <li>compression: blockiness, how much larger grey steps are across the 8x8 block grid than
 *       inside blocks (after Wu and Yuen's block-edge impairment metric, 1997): 0 for none.
 * </ul>
 */
public record ImageMeasures(
    double[] sharpness,
    double[] noise,
    double[] exposure,
    double[] brightness,
    double[] contrast,
    double[] colorfulness,
    double[] compression,
    boolean singleColour) {

  /**
   * Pixels summed in {@code int} before a sum moves to its {@code long}: the largest term, a
   * squared Laplacian, is at most 1020^2, and 1024 of them stay below 2^31. Summing in ints lets
   * the JIT vectorise the loops.
   */
  private static final int CHUNK = 1024;

  /** Smallest side the neighbourhood measures (sharpness, noise, compression) need. */
  public static final int MIN_SIDE = 16;

  /** Measures a picture. */
  public static ImageMeasures of(Picture p) {
    int w = p.width();
    int h = p.height();
    int hw = w / 2;
    int hh = h / 2;
    Sums grey = new Sums(8);

    for (int y = 0; y < h; y++) {
      int q = 1 + (y >= hh ? 2 : 0);
      Colour.row(p, y * w, y * w + hw, grey.at(q));
      Colour.row(p, y * w + hw, y * w + w, grey.at(q + 1));
    }
    grey.total();
    double[] exposure = new double[5];
    double[] brightness = new double[5];
    double[] contrast = new double[5];
    double[] colorfulness = new double[5];
    for (int k = 0; k < 5; k++) {
      double n = grey.get(k, Colour.N);
      double sum = grey.get(k, Colour.SUM);
      exposure[k] = n == 0 ? 0 : grey.get(k, Colour.CLIPPED) / n;
      brightness[k] = n == 0 ? 0 : sum / n / 255.0;
      contrast[k] = n == 0 ? 0 : Math.sqrt(variance(sum, grey.get(k, Colour.SUM_SQ), n)) / 255.0;
      // yb = (r + g) / 2 - b is summed doubled, as an integer: halve the sum, quarter the squares
      double rgSum = grey.get(k, Colour.RG);
      double ybSum = grey.get(k, Colour.YB2) / 2;
      double sdRg = Math.sqrt(variance(rgSum, grey.get(k, Colour.RG_SQ), n));
      double sdYb = Math.sqrt(variance(ybSum, grey.get(k, Colour.YB2_SQ) / 4, n));
      double mRg = n == 0 ? 0 : rgSum / n;
      double mYb = n == 0 ? 0 : ybSum / n;
      colorfulness[k] =
          Math.sqrt(sdRg * sdRg + sdYb * sdYb) + 0.3 * Math.sqrt(mRg * mRg + mYb * mYb);
    }
    double[] sharpness = null;
    double[] noise = null;
    double[] compression = null;
    if (Math.min(w, h) >= MIN_SIDE) {
      sharpness = new double[5];
      noise = new double[5];
      compression = new double[5];
      grey(p.grey(), w, h, sharpness, noise, compression);
    }
    return new ImageMeasures(
        sharpness,
        noise,
        exposure,
        brightness,
        contrast,
        colorfulness,
        compression,
        singleColour(p));
  }

  /**
   * Integer sums per region (0 whole, 1-4 quadrants), {@code width} of them each. Every measure
   * here sums integers, so the sums are exact in any order: a row is split at the vertical midline
   * and each half summed in locals, without a region lookup or a memory round trip per pixel.
   */
  private static final class Sums {
    private final long[][] regions;

    Sums(int width) {
      regions = new long[5][width];
    }

    long[] at(int region) {
      return regions[region];
    }

    double get(int region, int which) {
      return regions[region][which];
    }

    void total() {
      for (int i = 0; i < regions[0].length; i++) {
        regions[0][i] = regions[1][i] + regions[2][i] + regions[3][i] + regions[4][i];
      }
    }
  }

  /** The one pass over the colour planes: grey level statistics and the opponent channels. */
  private static final class Colour {
    static final int N = 0;
    static final int SUM = 1;
    static final int SUM_SQ = 2;
    static final int CLIPPED = 3;
    static final int RG = 4;
    static final int RG_SQ = 5;
    static final int YB2 = 6;
    static final int YB2_SQ = 7;

    /** Adds pixels {@code from} to {@code to} (exclusive) of the planes to {@code s}. */
    static void row(Picture p, int from, int to, long[] s) {
      byte[] grey = p.grey();
      byte[] red = p.red();
      byte[] green = p.green();
      byte[] blue = p.blue();
      long sum = 0;
      long sumSq = 0;
      long clipped = 0;
      long rg = 0;
      long rgSq = 0;
      long yb2 = 0;
      long yb2Sq = 0;
      for (int start = from; start < to; start += CHUNK) {
        int end = Math.min(to, start + CHUNK);
        int cSum = 0;
        int cSumSq = 0;
        int cClipped = 0;
        int cRg = 0;
        int cRgSq = 0;
        int cYb2 = 0;
        int cYb2Sq = 0;
        for (int i = start; i < end; i++) {
          int v = grey[i] & 0xff;
          int r = red[i] & 0xff;
          int g = green[i] & 0xff;
          int b = blue[i] & 0xff;
          cSum += v;
          cSumSq += v * v;
          // 1 when v <= 2 or v >= 253: one of the two differences is negative
          cClipped += ((v - 3) | (252 - v)) >>> 31;
          int d = r - g;
          cRg += d;
          cRgSq += d * d;
          int e = r + g - 2 * b;
          cYb2 += e;
          cYb2Sq += e * e;
        }
        sum += cSum;
        sumSq += cSumSq;
        clipped += cClipped;
        rg += cRg;
        rgSq += cRgSq;
        yb2 += cYb2;
        yb2Sq += cYb2Sq;
      }
      s[N] += to - from;
      s[SUM] += sum;
      s[SUM_SQ] += sumSq;
      s[CLIPPED] += clipped;
      s[RG] += rg;
      s[RG_SQ] += rgSq;
      s[YB2] += yb2;
      s[YB2_SQ] += yb2Sq;
    }
  }

  /**
   * Whether every pixel has the first one's colour: a scan that stops at the first other colour, so
   * it costs a few pixels on an ordinary image and one pass only on a flat one.
   */
  private static boolean singleColour(Picture p) {
    int n = p.width() * p.height();
    byte[] red = p.red();
    byte[] green = p.green();
    byte[] blue = p.blue();
    for (int i = 1; i < n; i++) {
      if (red[i] != red[0] || green[i] != green[0] || blue[i] != blue[0]) {
        return false;
      }
    }
    return true;
  }

  private static double variance(double sum, double sumSq, double n) {
    if (n == 0) {
      return 0;
    }
    double mean = sum / n;
    return Math.max(0, sumSq / n - mean * mean);
  }

  /**
   * The pass over the grey plane: per region, the Laplacian variance and Immerkaer's noise sigma
   * over interior pixels, and the blockiness: the mean absolute grey step across the 8-pixel block
   * grid over the mean step inside blocks, minus one, both directions averaged; 0 when there is no
   * blocking (never below 0). An interior row's steps are summed in the loop that reads its
   * neighbourhoods (they read the same pixels); the first and last rows', and the last column's, on
   * their own.
   */
  private static void grey(
      byte[] g, int w, int h, double[] sharpness, double[] noise, double[] compression) {
    int hw = w / 2;
    int hh = h / 2;
    Sums neighbourhood = new Sums(4); // count, Laplacian sum, its squares, |noise mask| sum
    Sums blocks = new Sums(4); // step sum and count across the grid, then inside blocks
    long[] steps = new long[2];
    for (int y = 0; y < h; y++) {
      int q = 1 + (y >= hh ? 2 : 0);
      if (y == 0 || y == h - 1) {
        blockRow(g, w, y, 1, hw, blocks.at(q));
        blockRow(g, w, y, hw, w, blocks.at(q + 1));
        continue;
      }
      interiorRow(g, w, y * w, 1, hw, neighbourhood.at(q), steps);
      blockSums(g, w, y, 1, hw, steps, blocks.at(q));
      interiorRow(g, w, y * w, hw, w - 1, neighbourhood.at(q + 1), steps);
      // the last pixel's steps: left and up (it has no right neighbour for the Laplacian)
      int last = y * w + w - 1;
      steps[0] += Math.abs((g[last] & 0xff) - (g[last - 1] & 0xff));
      steps[1] += Math.abs((g[last] & 0xff) - (g[last - w] & 0xff));
      blockSums(g, w, y, hw, w, steps, blocks.at(q + 1));
    }
    neighbourhood.total();
    for (int k = 0; k < 5; k++) {
      double n = neighbourhood.get(k, 0);
      sharpness[k] = variance(neighbourhood.get(k, 1), neighbourhood.get(k, 2), n);
      noise[k] = n == 0 ? 0 : Math.sqrt(Math.PI / 2) * neighbourhood.get(k, 3) / (6 * n);
    }
    blocks.total();
    for (int k = 0; k < 5; k++) {
      double edge = blocks.get(k, 0);
      double edgeN = blocks.get(k, 1);
      double inner = blocks.get(k, 2);
      double innerN = blocks.get(k, 3);
      if (edgeN == 0 || innerN == 0) {
        compression[k] = 0;
        continue;
      }
      // +0.5 grey level keeps a nearly flat region from dividing by almost nothing
      double ratio = (edge / edgeN + 0.5) / (inner / innerN + 0.5);
      compression[k] = Math.max(0, ratio - 1);
    }
  }

  /**
   * Adds the neighbourhood sums of pixels {@code from} to {@code to} (exclusive) of an interior row
   * to {@code s}, and puts their grey steps to the left and up in {@code steps}.
   */
  private static void interiorRow(
      byte[] g, int w, int row, int from, int to, long[] s, long[] steps) {
    int up = row - w;
    int down = row + w;
    long lSum = 0;
    long lSq = 0;
    long absNoise = 0;
    long horizontal = 0;
    long vertical = 0;
    for (int start = from; start < to; start += CHUNK) {
      int end = Math.min(to, start + CHUNK);
      int cSum = 0;
      int cSq = 0;
      int cNoise = 0;
      int cH = 0;
      int cV = 0;
      for (int x = start; x < end; x++) {
        int c = g[row + x] & 0xff;
        int l = g[row + x - 1] & 0xff;
        int r = g[row + x + 1] & 0xff;
        int u = g[up + x] & 0xff;
        int d = g[down + x] & 0xff;
        int cross = l + r + u + d;
        int lap = cross - 4 * c;
        int corners =
            (g[up + x - 1] & 0xff)
                + (g[up + x + 1] & 0xff)
                + (g[down + x - 1] & 0xff)
                + (g[down + x + 1] & 0xff);
        // Immerkaer's mask [1 -2 1; -2 4 -2; 1 -2 1]
        int m = corners - 2 * cross + 4 * c;
        cSum += lap;
        cSq += lap * lap;
        cNoise += Math.abs(m);
        cH += Math.abs(c - l);
        cV += Math.abs(c - u);
      }
      lSum += cSum;
      lSq += cSq;
      absNoise += cNoise;
      horizontal += cH;
      vertical += cV;
    }
    s[0] += Math.max(0, to - from);
    s[1] += lSum;
    s[2] += lSq;
    s[3] += absNoise;
    steps[0] = horizontal;
    steps[1] = vertical;
  }

  /**
   * Adds the steps to the left of pixels {@code from} to {@code to} (exclusive) of row {@code y},
   * and, below the first row, the steps up from them: a step is across the grid when the pixel
   * starts a block (column or row a multiple of 8).
   */
  private static void blockRow(byte[] g, int w, int y, int from, int to, long[] s) {
    if (to <= from) {
      return;
    }
    int row = y * w;
    long horizontal = 0;
    long vertical = 0;
    int above = y > 0 ? row - w : row; // the first row has no step up: it adds 0 and is not counted
    for (int start = from; start < to; start += CHUNK) {
      int end = Math.min(to, start + CHUNK);
      int cH = 0;
      int cV = 0;
      for (int x = start; x < end; x++) {
        int v = g[row + x] & 0xff;
        cH += Math.abs(v - (g[row + x - 1] & 0xff));
        cV += Math.abs(v - (g[above + x] & 0xff));
      }
      horizontal += cH;
      vertical += cV;
    }
    blockSums(g, w, y, from, to, new long[] {horizontal, vertical}, s);
  }

  /**
   * Adds the steps of pixels {@code from} to {@code to} (exclusive) of row {@code y}, their sums to
   * the left and up in {@code steps}, to the block sums {@code s}: across the grid or inside
   * blocks.
   */
  private static void blockSums(byte[] g, int w, int y, int from, int to, long[] steps, long[] s) {
    int row = y * w;
    long across = 0;
    long acrossN = 0;
    for (int x = (from + 7) & ~7; x < to; x += 8) {
      across += Math.abs((g[row + x] & 0xff) - (g[row + x - 1] & 0xff));
      acrossN++;
    }
    long n = to - from;
    s[0] += across;
    s[1] += acrossN;
    s[2] += steps[0] - across;
    s[3] += n - acrossN;
    if (y > 0) {
      int k = (y & 7) == 0 ? 0 : 2;
      s[k] += steps[1];
      s[k + 1] += n;
    }
  }
}
