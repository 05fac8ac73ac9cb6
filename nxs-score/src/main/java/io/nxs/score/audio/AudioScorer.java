package io.nxs.score.audio;

import io.nxs.score.Assessment;
import io.nxs.score.Dimension;
import io.nxs.score.Flags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;

/**
 * The built-in voice scorer. Every recording is first brought to the 48 kHz analysis rate ({@link
 * Resampler}); clipping and DC offset are read from the samples as stored (a resampler smooths the
 * flat tops that betray clipping).
 *
 * <ul>
 *   <li>{@code loudness_lufs}: BS.1770-4 integrated loudness ({@link Loudness}); uncertainty 0.5
 *       LU, the tolerance it is tested to against ffmpeg's ebur128;
 *   <li>{@code true_peak_dbtp}: the peak of the 4x oversampled signal (BS.1770-4 annex 2: 12 taps
 *       per phase), evaluated around every sample within 6 dB of the sample peak; uncertainty 0.5
 *       dB, the tolerance it is tested to against ffmpeg;
 *   <li>{@code snr_db}: WADA-SNR ({@link WadaSnr});
 *   <li>{@code clipping}: the share of samples on a flat top at the recording's peak level (two or
 *       more equal consecutive samples within 0.1 % of the peak);
 *   <li>{@code silence}: the share of 20 ms frames below -60 dBFS RMS;
 *   <li>{@code bandwidth_hz}: the highest frequency whose averaged power spectrum (Hann windows of
 *       2048 samples) is within 60 dB of the spectrum's peak;
 *   <li>{@code dc_offset}: the mean sample value.
 * </ul>
 *
 * Uncertainty of the others: the standard error of the same measure over up to eight equal segments
 * of the recording. Below {@value #MIN_SNR_SECONDS} s there is no {@code snr_db} (and no {@code
 * quality}), below 0.4 s no loudness: left out and flagged {@code edge_case}, not guessed.
 */
public final class AudioScorer {

  /** The scorer's name in every score. */
  public static final String NAME = "builtin-voice";

  /** Bump whenever a measure or the combination changes: drift is compared within one version. */
  public static final String VERSION = "1";

  /** The analysis rate. */
  public static final int RATE = Loudness.RATE;

  static final double MIN_SNR_SECONDS = 0.5;
  static final double LOUDNESS_TOLERANCE = 0.5;
  static final double PEAK_TOLERANCE = 0.5;
  private static final int FFT = 2048;
  private static final int MAX_FFT_FRAMES = 24;
  private static final double SILENT_DBFS = -60;

  private static final Map<Integer, Resampler> TO_ANALYSIS = new ConcurrentHashMap<>();
  private static final Resampler OVERSAMPLE = new Resampler(RATE, RATE * 4, 0.97, 6);
  private static final float[] HANN = hann(FFT);

  /** Name and version, e.g. {@code 1}. */
  public String version() {
    return VERSION;
  }

  /** Scores decoded audio. */
  public Assessment assess(Sound sound) {
    Map<String, Dimension> dims = new LinkedHashMap<>();
    Set<String> flags = new LinkedHashSet<>();
    List<String> notes = new ArrayList<>();
    double seconds = sound.seconds();
    int segments = (int) Math.max(2, Math.min(8, Math.floor(seconds)));

    dims.put("clipping", clipping(sound, segments));
    dims.put("dc_offset", dcOffset(sound, segments));

    Resampler r = TO_ANALYSIS.computeIfAbsent(sound.rate(), rate -> new Resampler(rate, RATE));
    float[][] ch = new float[sound.channels().length][];
    for (int c = 0; c < ch.length; c++) {
      ch[c] = r.identity() ? sound.channels()[c] : r.apply(sound.channels()[c]);
    }
    float[] mono = mono(ch);

    dims.put("silence", silence(mono, segments));
    OptionalDouble loudness = Loudness.integrated(ch);
    loudness.ifPresent(l -> dims.put("loudness_lufs", new Dimension(l, LOUDNESS_TOLERANCE)));
    double peak = truePeak(ch);
    if (peak > 0) {
      dims.put("true_peak_dbtp", new Dimension(20 * Math.log10(peak), PEAK_TOLERANCE));
    }
    Spectrum spectrum = spectrum(mono);

    // silence: no frame above -60 dBFS, or long enough for a block yet none above -70 LUFS
    boolean silent =
        dims.get("silence").value() >= 0.99 || peak == 0 || (loudness.isEmpty() && seconds >= 0.4);
    if (silent) {
      flags.add(Flags.EDGE_CASE);
      notes.add(
          "silence: loudness, snr_db and bandwidth cannot be judged; quality is 0 (no speech)");
      dims.remove("loudness_lufs");
      return new Assessment(dims, new Dimension(0, 0), flags, notes);
    }
    if (spectrum != null) {
      dims.put("bandwidth_hz", spectrum.bandwidth);
      if (spectrum.toneShare > 0.9) {
        flags.add(Flags.EDGE_CASE);
        notes.add(
            String.format(
                Locale.ROOT,
                "a pure tone at %.0f Hz: snr_db assumes speech and is left out; quality is 0"
                    + " (no speech)",
                spectrum.toneHz));
        return new Assessment(dims, new Dimension(0, 0), flags, notes);
      }
    } else {
      notes.add("bandwidth_hz left out: it needs at least " + FFT + " samples at 48 kHz");
    }
    if (loudness.isEmpty()) {
      flags.add(Flags.EDGE_CASE);
      notes.add(
          String.format(
              Locale.ROOT,
              "loudness_lufs left out: %.2f s is shorter than one 0.4 s block",
              seconds));
    }
    if (seconds < MIN_SNR_SECONDS) {
      flags.add(Flags.EDGE_CASE);
      notes.add(
          String.format(
              Locale.ROOT,
              "snr_db and quality left out: %.2f s is too short for the amplitude statistics"
                  + " (at least %.1f s)",
              seconds,
              MIN_SNR_SECONDS));
      return new Assessment(dims, null, flags, notes);
    }
    dims.put("snr_db", snr(mono, segments));
    return new Assessment(dims, quality(dims), flags, notes);
  }

  /** Quality: 100 x product of the factors each defect leaves, like the image scorer's. */
  static Dimension quality(Map<String, Dimension> dims) {
    double q = combine(dims, null, 0);
    double var = 0;
    for (String name : dims.keySet()) {
      double u = dims.get(name).uncertainty();
      if (u == 0) {
        continue;
      }
      double d =
          Math.max(Math.abs(combine(dims, name, u) - q), Math.abs(combine(dims, name, -u) - q));
      var += d * d;
    }
    return new Dimension(q, Math.sqrt(var));
  }

  private static double combine(Map<String, Dimension> dims, String shifted, double by) {
    ToDoubleFunction<String> v = name -> dims.get(name).value() + (name.equals(shifted) ? by : 0);
    double q = 1;
    // never saturating, so a cleaner recording always ranks higher: 0 dB -> 0, 10 dB -> 0.57,
    // 20 dB -> 0.81, 30 dB -> 0.92
    q *= 1 - Math.exp(-Math.max(0, v.applyAsDouble("snr_db")) / 12);
    // 1 % of samples on flat tops halves quality; more keeps lowering it
    q *= 1 / (1 + Math.max(0, v.applyAsDouble("clipping")) / 0.01);
    if (dims.containsKey("bandwidth_hz")) {
      q *= 0.2 + 0.8 * ramp(v.applyAsDouble("bandwidth_hz"), 1000, 7000);
    }
    q *= 1 - ramp(v.applyAsDouble("silence"), 0.6, 0.98);
    if (dims.containsKey("loudness_lufs")) {
      q *= 1 - 0.7 * ramp(Math.abs(v.applyAsDouble("loudness_lufs") + 20), 10, 30);
    }
    if (dims.containsKey("true_peak_dbtp")) {
      q *= 1 - 0.3 * ramp(v.applyAsDouble("true_peak_dbtp"), 0, 3);
    }
    q *= 1 - ramp(Math.abs(v.applyAsDouble("dc_offset")), 0.02, 0.2);
    return Math.min(100, Math.max(0, 100 * q));
  }

  static double ramp(double x, double lo, double hi) {
    double t = clamp01((x - lo) / (hi - lo));
    return t * t * (3 - 2 * t);
  }

  private static double clamp01(double x) {
    return x < 0 ? 0 : x > 1 ? 1 : x;
  }

  private static float[] mono(float[][] ch) {
    if (ch.length == 1) {
      return ch[0];
    }
    float[] m = new float[ch[0].length];
    for (float[] c : ch) {
      for (int i = 0; i < m.length; i++) {
        m[i] += c[i] / ch.length;
      }
    }
    return m;
  }

  private static Dimension clipping(Sound s, int segments) {
    float peak = 0;
    for (float[] c : s.channels()) {
      for (float v : c) {
        peak = Math.max(peak, Math.abs(v));
      }
    }
    int n = s.length();
    double[] parts = new double[segments];
    long total = 0;
    if (peak > 0) {
      float level = peak * 0.999f;
      for (float[] c : s.channels()) {
        for (int i = 0; i < n; i++) {
          float a = Math.abs(c[i]);
          if (a < level) {
            continue;
          }
          boolean flat =
              (i > 0 && Math.abs(c[i - 1]) >= level && Math.abs(c[i - 1] - c[i]) <= peak * 0.001f)
                  || (i + 1 < n
                      && Math.abs(c[i + 1]) >= level
                      && Math.abs(c[i + 1] - c[i]) <= peak * 0.001f);
          if (flat) {
            total++;
            parts[(int) ((long) i * segments / n)]++;
          }
        }
      }
    }
    double all = (double) n * s.channels().length;
    for (int k = 0; k < segments; k++) {
      parts[k] /= all / segments;
    }
    return Dimension.ofParts(total / all, parts);
  }

  private static Dimension dcOffset(Sound s, int segments) {
    int n = s.length();
    double[] parts = new double[segments];
    double sum = 0;
    for (float[] c : s.channels()) {
      for (int i = 0; i < n; i++) {
        sum += c[i];
        parts[(int) ((long) i * segments / n)] += c[i];
      }
    }
    double all = (double) n * s.channels().length;
    for (int k = 0; k < segments; k++) {
      parts[k] /= all / segments;
    }
    return Dimension.ofParts(sum / all, parts);
  }

  private static Dimension silence(float[] x, int segments) {
    int frame = RATE / 50;
    int frames = Math.max(1, x.length / frame);
    double threshold = Math.pow(10, SILENT_DBFS / 10);
    int silent = 0;
    double[] parts = new double[segments];
    double[] counts = new double[segments];
    for (int f = 0; f < frames; f++) {
      double e = 0;
      int from = f * frame;
      int to = Math.min(x.length, from + frame);
      for (int i = from; i < to; i++) {
        e += (double) x[i] * x[i];
      }
      boolean quiet = e / Math.max(1, to - from) < threshold;
      int seg = (int) ((long) f * segments / frames);
      counts[seg]++;
      if (quiet) {
        silent++;
        parts[seg]++;
      }
    }
    for (int k = 0; k < segments; k++) {
      parts[k] = counts[k] == 0 ? 0 : parts[k] / counts[k];
    }
    return Dimension.ofParts((double) silent / frames, parts);
  }

  private static Dimension snr(float[] x, int segments) {
    WadaSnr.Sums whole = new WadaSnr.Sums(0, 0, 0, 0);
    List<Double> parts = new ArrayList<>();
    for (int k = 0; k < segments; k++) {
      int from = (int) ((long) x.length * k / segments);
      int to = (int) ((long) x.length * (k + 1) / segments);
      WadaSnr.Sums part = WadaSnr.Sums.of(x, from, to);
      whole = whole.plus(part);
      part.snr().ifPresent(parts::add);
    }
    return Dimension.ofParts(
        whole.snr().orElse(-20), parts.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** The largest absolute value of the 4x oversampled channels near their sample peaks. */
  private static double truePeak(float[][] ch) {
    double best = 0;
    for (float[] x : ch) {
      float samplePeak = 0;
      for (float v : x) {
        samplePeak = Math.max(samplePeak, Math.abs(v));
      }
      best = Math.max(best, samplePeak);
      if (samplePeak == 0) {
        continue;
      }
      float near = samplePeak * 0.5f; // -6 dB
      float[] out = new float[OVERSAMPLE.outputLength(x.length)];
      for (int i = 0; i < x.length; i++) {
        if (Math.abs(x[i]) >= near) {
          int from = Math.max(0, (i - 1) * 4);
          int to = Math.min(out.length, (i + 1) * 4 + 1);
          OVERSAMPLE.apply(x, out, from, to);
          for (int o = from; o < to; o++) {
            best = Math.max(best, Math.abs(out[o]));
          }
        }
      }
    }
    return best;
  }

  private record Spectrum(Dimension bandwidth, double toneShare, double toneHz) {}

  private static Spectrum spectrum(float[] x) {
    int available = x.length / FFT;
    if (available < 1) {
      return null;
    }
    int frames = Math.min(available, MAX_FFT_FRAMES);
    FastFourierTransformer fft = new FastFourierTransformer(DftNormalization.STANDARD);
    int bins = FFT / 2 + 1;
    double[] total = new double[bins];
    int parts = Math.min(4, frames);
    double[][] partial = new double[parts][bins];
    double[] frame = new double[FFT];
    for (int f = 0; f < frames; f++) {
      int start = (int) ((long) f * available / frames) * FFT;
      for (int i = 0; i < FFT; i++) {
        frame[i] = x[start + i] * HANN[i];
      }
      org.apache.commons.math3.complex.Complex[] c = fft.transform(frame, TransformType.FORWARD);
      int part = f * parts / frames;
      for (int b = 0; b < bins; b++) {
        double p = c[b].getReal() * c[b].getReal() + c[b].getImaginary() * c[b].getImaginary();
        total[b] += p;
        partial[part][b] += p;
      }
    }
    double binHz = (double) RATE / FFT;
    double whole = bandwidth(total) * binHz;
    double[] partsHz = new double[parts];
    for (int k = 0; k < parts; k++) {
      partsHz[k] = bandwidth(partial[k]) * binHz;
    }
    double se = Math.max(binHz / 2, Dimension.standardError(partsHz));
    // share of energy within +-3 bins of the strongest bin (a Hann window spreads a tone over 4)
    int top = 1;
    double sum = 0;
    for (int b = 1; b < bins; b++) {
      sum += total[b];
      if (total[b] > total[top]) {
        top = b;
      }
    }
    double around = 0;
    for (int b = Math.max(1, top - 3); b <= Math.min(bins - 1, top + 3); b++) {
      around += total[b];
    }
    // the tone's frequency between bins, by a parabola through the log power of the peak's
    // neighbours
    double offset = 0;
    if (top > 1 && top < bins - 1 && total[top - 1] > 0 && total[top + 1] > 0) {
      double a = Math.log(total[top - 1]);
      double b = Math.log(total[top]);
      double c = Math.log(total[top + 1]);
      double denominator = a - 2 * b + c;
      offset = denominator == 0 ? 0 : 0.5 * (a - c) / denominator;
    }
    return new Spectrum(
        new Dimension(whole, se), sum == 0 ? 0 : around / sum, (top + offset) * binHz);
  }

  private static int bandwidth(double[] power) {
    double max = 0;
    for (int b = 1; b < power.length; b++) {
      max = Math.max(max, power[b]);
    }
    double floor = max * 1e-6; // -60 dB
    for (int b = power.length - 1; b > 0; b--) {
      if (power[b] > floor) {
        return b;
      }
    }
    return 0;
  }

  private static float[] hann(int n) {
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1)));
    }
    return w;
  }
}
