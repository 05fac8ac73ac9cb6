package io.nxs.score.image;

/**
 * The classical technical measures of an image, each for the whole image and its four quadrants
 * (index 0 whole, 1-4 top-left, top-right, bottom-left, bottom-right), from one or two passes:
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

  /** Smallest side the neighbourhood measures (sharpness, noise, compression) need. */
  public static final int MIN_SIDE = 16;

  /** Measures a picture. */
  public static ImageMeasures of(Picture p) {
    int w = p.width();
    int h = p.height();
    int hw = w / 2;
    int hh = h / 2;
    byte[] g = p.grey();
    byte[] rr = p.red();
    byte[] gg = p.green();
    byte[] bb = p.blue();
    double[] n = new double[5];
    double[] sum = new double[5];
    double[] sumSq = new double[5];
    double[] clipped = new double[5];
    double[] rgSum = new double[5];
    double[] rgSq = new double[5];
    double[] ybSum = new double[5];
    double[] ybSq = new double[5];
    boolean single = true;
    int r0 = rr[0];
    int g0 = gg[0];
    int b0 = bb[0];
    for (int y = 0; y < h; y++) {
      int qy = y >= hh ? 2 : 0;
      int row = y * w;
      for (int x = 0; x < w; x++) {
        int q = 1 + qy + (x >= hw ? 1 : 0);
        int i = row + x;
        int v = g[i] & 0xff;
        int r = rr[i] & 0xff;
        int gr = gg[i] & 0xff;
        int b = bb[i] & 0xff;
        single &= rr[i] == r0 && gg[i] == g0 && bb[i] == b0;
        n[q]++;
        sum[q] += v;
        sumSq[q] += (double) v * v;
        if (v <= 2 || v >= 253) {
          clipped[q]++;
        }
        double rg = r - gr;
        double yb = 0.5 * (r + gr) - b;
        rgSum[q] += rg;
        rgSq[q] += rg * rg;
        ybSum[q] += yb;
        ybSq[q] += yb * yb;
      }
    }
    total(n, sum, sumSq, clipped, rgSum, rgSq, ybSum, ybSq);
    double[] exposure = new double[5];
    double[] brightness = new double[5];
    double[] contrast = new double[5];
    double[] colorfulness = new double[5];
    for (int k = 0; k < 5; k++) {
      exposure[k] = n[k] == 0 ? 0 : clipped[k] / n[k];
      brightness[k] = n[k] == 0 ? 0 : sum[k] / n[k] / 255.0;
      contrast[k] = n[k] == 0 ? 0 : Math.sqrt(variance(sum[k], sumSq[k], n[k])) / 255.0;
      double sdRg = Math.sqrt(variance(rgSum[k], rgSq[k], n[k]));
      double sdYb = Math.sqrt(variance(ybSum[k], ybSq[k], n[k]));
      double mRg = n[k] == 0 ? 0 : rgSum[k] / n[k];
      double mYb = n[k] == 0 ? 0 : ybSum[k] / n[k];
      colorfulness[k] =
          Math.sqrt(sdRg * sdRg + sdYb * sdYb) + 0.3 * Math.sqrt(mRg * mRg + mYb * mYb);
    }
    double[] sharpness = null;
    double[] noise = null;
    double[] compression = null;
    if (Math.min(w, h) >= MIN_SIDE) {
      sharpness = new double[5];
      noise = new double[5];
      neighbourhood(g, w, h, sharpness, noise);
      compression = blockiness(g, w, h);
    }
    return new ImageMeasures(
        sharpness, noise, exposure, brightness, contrast, colorfulness, compression, single);
  }

  private static void total(double[]... arrays) {
    for (double[] a : arrays) {
      a[0] = a[1] + a[2] + a[3] + a[4];
    }
  }

  private static double variance(double sum, double sumSq, double n) {
    if (n == 0) {
      return 0;
    }
    double mean = sum / n;
    return Math.max(0, sumSq / n - mean * mean);
  }

  /** Laplacian variance and Immerkaer's noise sigma over interior pixels, per region. */
  private static void neighbourhood(byte[] g, int w, int h, double[] sharpness, double[] noise) {
    int hw = w / 2;
    int hh = h / 2;
    double[] n = new double[5];
    double[] lSum = new double[5];
    double[] lSq = new double[5];
    double[] absNoise = new double[5];
    for (int y = 1; y < h - 1; y++) {
      int qy = y >= hh ? 2 : 0;
      int up = (y - 1) * w;
      int row = y * w;
      int down = (y + 1) * w;
      for (int x = 1; x < w - 1; x++) {
        int q = 1 + qy + (x >= hw ? 1 : 0);
        int c = g[row + x] & 0xff;
        int l = g[row + x - 1] & 0xff;
        int r = g[row + x + 1] & 0xff;
        int u = g[up + x] & 0xff;
        int d = g[down + x] & 0xff;
        int lap = l + r + u + d - 4 * c;
        int corners =
            (g[up + x - 1] & 0xff)
                + (g[up + x + 1] & 0xff)
                + (g[down + x - 1] & 0xff)
                + (g[down + x + 1] & 0xff);
        // Immerkaer's mask [1 -2 1; -2 4 -2; 1 -2 1]
        int m = corners - 2 * (l + r + u + d) + 4 * c;
        n[q]++;
        lSum[q] += lap;
        lSq[q] += (double) lap * lap;
        absNoise[q] += Math.abs(m);
      }
    }
    total(n, lSum, lSq, absNoise);
    for (int k = 0; k < 5; k++) {
      sharpness[k] = variance(lSum[k], lSq[k], n[k]);
      noise[k] = n[k] == 0 ? 0 : Math.sqrt(Math.PI / 2) * absNoise[k] / (6 * n[k]);
    }
  }

  /**
   * Mean absolute grey step across the 8-pixel block grid over the mean step inside blocks, minus
   * one, both directions averaged; 0 when there is no blocking (never below 0).
   */
  private static double[] blockiness(byte[] g, int w, int h) {
    int hw = w / 2;
    int hh = h / 2;
    double[] edge = new double[5];
    double[] edgeN = new double[5];
    double[] inner = new double[5];
    double[] innerN = new double[5];
    for (int y = 0; y < h; y++) {
      int qy = y >= hh ? 2 : 0;
      int row = y * w;
      for (int x = 1; x < w; x++) {
        int q = 1 + qy + (x >= hw ? 1 : 0);
        int dx = Math.abs((g[row + x] & 0xff) - (g[row + x - 1] & 0xff));
        if ((x & 7) == 0) {
          edge[q] += dx;
          edgeN[q]++;
        } else {
          inner[q] += dx;
          innerN[q]++;
        }
        if (y > 0) {
          int dy = Math.abs((g[row + x] & 0xff) - (g[row - w + x] & 0xff));
          if ((y & 7) == 0) {
            edge[q] += dy;
            edgeN[q]++;
          } else {
            inner[q] += dy;
            innerN[q]++;
          }
        }
      }
    }
    total(edge, edgeN, inner, innerN);
    double[] out = new double[5];
    for (int k = 0; k < 5; k++) {
      if (edgeN[k] == 0 || innerN[k] == 0) {
        out[k] = 0;
        continue;
      }
      // +0.5 grey level keeps a nearly flat region from dividing by almost nothing
      double ratio = (edge[k] / edgeN[k] + 0.5) / (inner[k] / innerN[k] + 0.5);
      out[k] = Math.max(0, ratio - 1);
    }
    return out;
  }
}
