package io.nxs.score.learned;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.nxs.core.NxsException;
import io.nxs.score.Dimension;
import io.nxs.score.MediaFormat;
import io.nxs.score.ScoreConfig;
import io.nxs.score.audio.Resampler;
import io.nxs.score.audio.Sound;
import io.nxs.score.image.Picture;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * An operator-supplied learned scorer (NIMA for images, DNSMOS-like for speech) run through ONNX
 * Runtime (ADR 0092). Nothing is downloaded: the model is a file the operator names in {@code
 * score.models}. Loading checks the model's first input and output against what the config says it
 * takes; a model that does not fit is refused at start with the reason, and the built-in scorer
 * answers alone.
 *
 * <p>Output: one number is a score in {@code range}; several are a distribution over equally spaced
 * scores across {@code range} (normalised if they do not sum to 1), whose mean is the score and
 * whose standard deviation is its uncertainty. Both are mapped linearly to 0-100. A non-finite
 * output is a failure, never a score.
 */
public final class OnnxScorer implements AutoCloseable {

  private final MediaFormat.Kind kind;
  private final ScoreConfig.Model spec;
  private final OrtSession session;
  private final String input;
  private final long[] shape;
  private final String name;
  private final String version;

  private OnnxScorer(
      MediaFormat.Kind kind,
      ScoreConfig.Model spec,
      OrtSession session,
      String input,
      long[] shape,
      String name,
      String version) {
    this.kind = kind;
    this.spec = spec;
    this.session = session;
    this.input = input;
    this.shape = shape;
    this.name = name;
    this.version = version;
  }

  /**
   * Loads a model.
   *
   * @param file the .onnx file
   * @throws NxsException naming the file and what is wrong with it
   */
  public static OnnxScorer load(Path file, ScoreConfig.Model spec, MediaFormat.Kind kind) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new NxsException("cannot read the " + kind.label() + " model " + file + ": " + e);
    }
    OrtSession session;
    try {
      session =
          OrtEnvironment.getEnvironment().createSession(bytes, new OrtSession.SessionOptions());
    } catch (OrtException e) {
      throw new NxsException(
          "ONNX Runtime cannot load the " + kind.label() + " model " + file + ": " + oneLine(e));
    }
    try {
      Map.Entry<String, NodeInfo> in = session.getInputInfo().entrySet().iterator().next();
      if (!(in.getValue().getInfo() instanceof TensorInfo t)
          || t.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
        throw new NxsException("model " + file + ": its first input must be a float tensor");
      }
      long[] want =
          kind == MediaFormat.Kind.IMAGE
              ? new long[] {1, 3, spec.height(), spec.width()}
              : new long[] {1, spec.samples()};
      long[] has = t.getShape();
      if (has.length != want.length) {
        throw new NxsException(
            "model "
                + file
                + ": its input has "
                + has.length
                + " dimensions, the config describes "
                + java.util.Arrays.toString(want));
      }
      for (int i = 0; i < has.length; i++) {
        if (has[i] > 0 && has[i] != want[i]) {
          throw new NxsException(
              "model "
                  + file
                  + ": its input shape is "
                  + java.util.Arrays.toString(has)
                  + " but the config describes "
                  + java.util.Arrays.toString(want)
                  + " (set width/height or samples)");
        }
      }
      return new OnnxScorer(
          kind, spec, session, in.getKey(), want, "onnx:" + file.getFileName(), sha256(bytes));
    } catch (OrtException | RuntimeException e) {
      closeQuietly(session, e);
      throw e instanceof NxsException n
          ? n
          : new NxsException("model " + file + " cannot be inspected: " + oneLine(e));
    }
  }

  /** e.g. {@code onnx:nima.onnx}. */
  public String name() {
    return name;
  }

  /** The first 12 hex digits of the model file's SHA-256. */
  public String version() {
    return version;
  }

  public MediaFormat.Kind kind() {
    return kind;
  }

  /**
   * Scores a picture: resized (bilinear) to the model's input, RGB planes normalised.
   *
   * @throws NxsException when the model fails or answers with no usable number
   */
  public Dimension score(Picture p) {
    int w = spec.width();
    int h = spec.height();
    float[] data = new float[3 * w * h];
    byte[][] planes = {p.red(), p.green(), p.blue()};
    for (int c = 0; c < 3; c++) {
      float mean = spec.mean().get(c).floatValue();
      float std = spec.std().get(c).floatValue();
      byte[] plane = planes[c];
      for (int y = 0; y < h; y++) {
        double sy = Math.max(0, Math.min(p.height() - 1, (y + 0.5) * p.height() / h - 0.5));
        int y0 = (int) sy;
        int y1 = Math.min(p.height() - 1, y0 + 1);
        double fy = sy - y0;
        for (int x = 0; x < w; x++) {
          double sx = Math.max(0, Math.min(p.width() - 1, (x + 0.5) * p.width() / w - 0.5));
          int x0 = (int) sx;
          int x1 = Math.min(p.width() - 1, x0 + 1);
          double fx = sx - x0;
          double v =
              (1 - fy)
                      * ((1 - fx) * u(plane, y0 * p.width() + x0)
                          + fx * u(plane, y0 * p.width() + x1))
                  + fy
                      * ((1 - fx) * u(plane, y1 * p.width() + x0)
                          + fx * u(plane, y1 * p.width() + x1));
          data[c * w * h + y * w + x] = (float) ((v / 255.0 - mean) / std);
        }
      }
    }
    return run(data);
  }

  /**
   * Scores audio: mixed to mono, resampled to the model's rate, cut or zero-padded to its length.
   *
   * @throws NxsException when the model fails or answers with no usable number
   */
  public Dimension score(Sound s) {
    float[] mono = new float[s.length()];
    for (float[] c : s.channels()) {
      for (int i = 0; i < mono.length; i++) {
        mono[i] += c[i] / s.channels().length;
      }
    }
    float[] at =
        s.rate() == spec.sampleRate()
            ? mono
            : new Resampler(s.rate(), spec.sampleRate()).apply(mono);
    float[] data = new float[spec.samples()];
    System.arraycopy(at, 0, data, 0, Math.min(at.length, data.length));
    return run(data);
  }

  private Dimension run(float[] data) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
        OrtSession.Result r = session.run(Map.of(input, t))) {
      OnnxValue out = r.get(0);
      if (!(out instanceof OnnxTensor tensor)
          || ((TensorInfo) tensor.getInfo()).type != ai.onnxruntime.OnnxJavaType.FLOAT) {
        throw new NxsException(name + " answered with something other than a float tensor");
      }
      FloatBuffer fb = tensor.getFloatBuffer();
      float[] v = new float[fb.remaining()];
      fb.get(v);
      return toQuality(v);
    } catch (OrtException e) {
      throw new NxsException(name + " failed: " + oneLine(e));
    }
  }

  /** Maps the model's output to quality 0-100 with its uncertainty. */
  Dimension toQuality(float[] v) {
    double lo = spec.range().get(0);
    double hi = spec.range().get(1);
    for (float f : v) {
      if (!Float.isFinite(f)) {
        throw new NxsException(name + " answered " + f + ": not a score");
      }
    }
    if (v.length == 0) {
      throw new NxsException(name + " answered with an empty tensor");
    }
    if (v.length == 1) {
      double q = (v[0] - lo) / (hi - lo) * 100;
      if (q < -1 || q > 101) {
        throw new NxsException(
            name + " answered " + v[0] + ", outside its configured range " + spec.range());
      }
      return new Dimension(Math.min(100, Math.max(0, q)), 0);
    }
    double sum = 0;
    for (float f : v) {
      if (f < 0) {
        throw new NxsException(name + " answered a negative probability " + f);
      }
      sum += f;
    }
    if (sum <= 0) {
      throw new NxsException(name + " answered an all-zero distribution");
    }
    double mean = 0;
    double sq = 0;
    for (int i = 0; i < v.length; i++) {
      double score = lo + (hi - lo) * i / (v.length - 1);
      double p = v[i] / sum;
      mean += p * score;
      sq += p * score * score;
    }
    double sd = Math.sqrt(Math.max(0, sq - mean * mean));
    double q = (mean - lo) / (hi - lo) * 100;
    return new Dimension(Math.min(100, Math.max(0, q)), sd / (hi - lo) * 100);
  }

  private static double u(byte[] plane, int i) {
    return plane[i] & 0xff;
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new NxsException("cannot close " + name + ": " + oneLine(e));
    }
  }

  private static void closeQuietly(OrtSession s, Exception cause) {
    try {
      s.close();
    } catch (OrtException e) {
      cause.addSuppressed(e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
          .substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
