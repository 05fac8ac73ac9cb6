package io.nxs.score.image;

import io.nxs.core.NxsException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenCV's published BRISQUE model: an epsilon-SVR with an RBF kernel over 36 natural-scene
 * features, and the per-feature ranges that scale them to [-1, 1] (files {@code
 * brisque_model_live.yml} and {@code brisque_range_live.yml}, Apache-2.0, see the NOTICE beside
 * them).
 *
 * <p>Design note: the files are OpenCV FileStorage YAML. A general YAML parser (SnakeYAML through
 * Jackson) reads the 570 KB model in 2 to 5 s on this machine, so this class reads the few keys it
 * needs (kernel gamma, var_count, sv_total, the support vectors, rho, alpha, the range matrix) with
 * one number pattern and checks every count against the file's own declarations; {@code
 * BrisqueModelTest} checks the result against Jackson's full parse. A file that does not hold what
 * it declares is refused.
 */
public final class BrisqueModel {

  /** The number of BRISQUE features. */
  public static final int FEATURES = 36;

  private static final Pattern NUMBER =
      Pattern.compile("[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?");

  private final float[] supportVectors; // svCount x FEATURES, row-major
  private final double[] alpha;
  private final double rho;
  private final double gamma;
  private final float[] rangeMin;
  private final float[] rangeMax;
  private final String version;

  private BrisqueModel(
      float[] supportVectors,
      double[] alpha,
      double rho,
      double gamma,
      float[] rangeMin,
      float[] rangeMax,
      String version) {
    this.supportVectors = supportVectors;
    this.alpha = alpha;
    this.rho = rho;
    this.gamma = gamma;
    this.rangeMin = rangeMin;
    this.rangeMax = rangeMax;
    this.version = version;
  }

  private static BrisqueModel live;

  /**
   * The model shipped with NXS (OpenCV's LIVE model), read once per process: the model is
   * immutable, and reading it (570 KB of numbers and their digest) is a tenth of the daemon's
   * start-up CPU otherwise. The daemon reads it at its first use — the check against the goldens
   * that its first score begins — not on its start path (its number parsing was a fifth of the
   * JIT's work before /readyz, ADR 0063) nor in a daemon that never scores (ADR 0095); a caller
   * that comes while that runs waits for it. A failure is not kept.
   */
  public static synchronized BrisqueModel live() {
    if (live == null) {
      live = readLive();
    }
    return live;
  }

  private static BrisqueModel readLive() {
    try (InputStream m =
            BrisqueModel.class.getResourceAsStream("/io/nxs/score/brisque/brisque_model_live.yml");
        InputStream r =
            BrisqueModel.class.getResourceAsStream(
                "/io/nxs/score/brisque/brisque_range_live.yml")) {
      if (m == null || r == null) {
        throw new NxsException("the BRISQUE model is missing from the nxs-score jar");
      }
      return read(m.readAllBytes(), r.readAllBytes());
    } catch (IOException e) {
      throw new NxsException("cannot read the BRISQUE model: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a model and its ranges.
   *
   * @throws NxsException naming what is missing or inconsistent
   */
  public static BrisqueModel read(byte[] modelFile, byte[] rangeFile) {
    String model = new String(modelFile, StandardCharsets.UTF_8);
    String range = new String(rangeFile, StandardCharsets.UTF_8);
    if (!model.contains("opencv_ml_svm:") || !model.contains("EPS_SVR")) {
      throw new NxsException("not an OpenCV epsilon-SVR model file");
    }
    if (!Pattern.compile("kernel:\\s*\\n\\s*type:\\s*RBF").matcher(model).find()) {
      throw new NxsException("the BRISQUE model must use an RBF kernel");
    }
    double gamma = number(model, "gamma:");
    int varCount = (int) number(model, "var_count:");
    int svTotal = (int) number(model, "sv_total:");
    if (varCount != FEATURES) {
      throw new NxsException("the BRISQUE model has " + varCount + " features, expected 36");
    }
    double[] sv = numbers(section(model, "support_vectors:", "decision_functions:"));
    if (sv.length != svTotal * varCount) {
      throw new NxsException(
          "the BRISQUE model declares "
              + svTotal
              + " support vectors of "
              + varCount
              + " but holds "
              + sv.length
              + " numbers");
    }
    String df = model.substring(model.indexOf("decision_functions:"));
    int svCount = (int) number(df, "sv_count:");
    double rho = number(df, "rho:");
    int alphaAt = df.indexOf("alpha:");
    int alphaEnd = df.indexOf(']', alphaAt);
    if (alphaAt < 0 || alphaEnd < 0) {
      throw new NxsException("the BRISQUE model has no alpha list");
    }
    double[] alpha = numbers(df.substring(df.indexOf('[', alphaAt) + 1, alphaEnd));
    if (alpha.length != svCount || svCount != svTotal || df.contains("index:")) {
      throw new NxsException(
          "the BRISQUE model's decision function must use all "
              + svTotal
              + " support vectors, but has "
              + alpha.length);
    }
    int dataAt = range.indexOf("data:");
    if ((int) number(range, "rows:") != 2
        || (int) number(range, "cols:") != FEATURES
        || dataAt < 0) {
      throw new NxsException("the BRISQUE range file must hold a 2 x 36 matrix");
    }
    double[] r =
        numbers(range.substring(range.indexOf('[', dataAt) + 1, range.indexOf(']', dataAt)));
    if (r.length != 2 * FEATURES) {
      throw new NxsException("the BRISQUE range file holds " + r.length + " numbers, expected 72");
    }
    float[] vectors = new float[sv.length];
    for (int i = 0; i < sv.length; i++) {
      vectors[i] = (float) sv[i];
    }
    float[] min = new float[FEATURES];
    float[] max = new float[FEATURES];
    for (int i = 0; i < FEATURES; i++) {
      min[i] = (float) r[i];
      max[i] = (float) r[FEATURES + i];
    }
    return new BrisqueModel(vectors, alpha, rho, gamma, min, max, digest(modelFile, rangeFile));
  }

  /**
   * The model's score for raw (unscaled) features, as OpenCV computes it: each feature scaled
   * linearly from its range to [-1, 1], the SVR's sum of {@code alpha * exp(-gamma * |x - sv|^2)}
   * minus rho, clamped to [0, 100].
   */
  public double predict(float[] features) {
    float[] x = new float[FEATURES];
    for (int i = 0; i < FEATURES; i++) {
      x[i] = -1f + 2f * (features[i] - rangeMin[i]) / (rangeMax[i] - rangeMin[i]);
    }
    double sum = -rho;
    for (int k = 0, base = 0; k < alpha.length; k++, base += FEATURES) {
      double s = 0;
      for (int j = 0; j < FEATURES; j++) {
        float t = supportVectors[base + j] - x[j];
        s += t * t;
      }
      sum += alpha[k] * (float) Math.exp((float) (-gamma * s));
    }
    float result = (float) sum;
    return Math.min(Math.max(result, 0f), 100f);
  }

  /** The first 12 hex digits of the SHA-256 of both files: the model's version. */
  public String version() {
    return version;
  }

  /** How many support vectors the model has. */
  public int supportVectorCount() {
    return alpha.length;
  }

  private static String section(String text, String from, String to) {
    int a = text.indexOf(from);
    int b = text.indexOf(to, a + 1);
    if (a < 0 || b < 0) {
      throw new NxsException("the BRISQUE model has no '" + from + "' section");
    }
    return text.substring(a + from.length(), b);
  }

  private static double number(String text, String key) {
    int at = text.indexOf(key);
    if (at < 0) {
      throw new NxsException("the BRISQUE model file has no '" + key + "'");
    }
    Matcher m = NUMBER.matcher(text);
    if (!m.find(at + key.length())) {
      throw new NxsException("the BRISQUE model file's '" + key + "' is not a number");
    }
    return Double.parseDouble(m.group());
  }

  private static double[] numbers(String text) {
    Matcher m = NUMBER.matcher(text);
    double[] out = new double[64];
    int n = 0;
    while (m.find()) {
      if (n == out.length) {
        out = java.util.Arrays.copyOf(out, n * 2);
      }
      out[n++] = Double.parseDouble(m.group());
    }
    return java.util.Arrays.copyOf(out, n);
  }

  private static String digest(byte[] a, byte[] b) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(a);
      sha.update(b);
      return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
