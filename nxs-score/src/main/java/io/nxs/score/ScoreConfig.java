package io.nxs.score;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.ByteSize;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.config.Durations;
import java.time.Duration;
import java.util.List;

/**
 * The {@code score:} section of {@code nxs.yaml} (SPEC SC1-SC3).
 *
 * @param limits what is refused before decoding
 * @param concurrency how many files are decoded and scored at once; with {@code max_pixels} it
 *     bounds memory (about 32 bytes a pixel each); default 2, 1 to 64
 * @param review when a score goes to the review queue
 * @param drift how drift is watched
 * @param models learned scorers the operator supplies (ONNX), none by default
 */
public record ScoreConfig(
    Limits limits, int concurrency, Review review, Drift drift, Models models) {

  /** The section as registered with the config loader. */
  public static final ConfigSection<ScoreConfig> SECTION =
      ConfigSection.of("score", ScoreConfig.class, ScoreConfig::defaults);

  @JsonCreator
  public ScoreConfig(
      @JsonProperty("limits") Limits limits,
      @JsonProperty("concurrency") Integer concurrency,
      @JsonProperty("review") Review review,
      @JsonProperty("drift") Drift drift,
      @JsonProperty("models") Models models) {
    this(
        limits == null ? Limits.DEFAULT : limits,
        concurrency == null ? 2 : concurrency,
        review == null ? Review.DEFAULT : review,
        drift == null ? Drift.DEFAULT : drift,
        models == null ? Models.NONE : models);
  }

  public ScoreConfig {
    if (concurrency < 1 || concurrency > 64) {
      throw new IllegalArgumentException("concurrency must be in [1, 64], but was " + concurrency);
    }
  }

  /** Every default. */
  public static ScoreConfig defaults() {
    return new ScoreConfig(null, (Integer) null, null, null, null);
  }

  /** A copy with other limits. */
  public ScoreConfig withLimits(Limits l) {
    return new ScoreConfig(l, concurrency, review, drift, models);
  }

  /** A copy with other models. */
  public ScoreConfig withModels(Models m) {
    return new ScoreConfig(limits, concurrency, review, drift, m);
  }

  /** A copy with another drift section. */
  public ScoreConfig withDrift(Drift d) {
    return new ScoreConfig(limits, concurrency, review, d, models);
  }

  /**
   * @param maxBytes the largest file accepted; default 32MiB (the HTTP server takes bodies up to 32
   *     MiB)
   * @param maxPixels the largest width x height decoded; default 16777216 (4096 x 4096)
   * @param maxAudioSeconds the longest recording decoded; default 600
   */
  public record Limits(ByteSize maxBytes, long maxPixels, double maxAudioSeconds) {
    public static final Limits DEFAULT =
        new Limits(new ByteSize(32L * 1024 * 1024), 16_777_216L, 600.0);

    @JsonCreator
    public Limits(
        @JsonProperty("max_bytes") ByteSize maxBytes,
        @JsonProperty("max_pixels") Long maxPixels,
        @JsonProperty("max_audio_seconds") Double maxAudioSeconds) {
      this(
          maxBytes == null ? new ByteSize(32L * 1024 * 1024) : maxBytes,
          maxPixels == null ? 16_777_216L : maxPixels,
          maxAudioSeconds == null ? 600.0 : maxAudioSeconds);
    }

    public Limits {
      if (maxBytes.bytes() < 1024) {
        throw new IllegalArgumentException(
            "max_bytes must be at least 1KiB, but was " + maxBytes.bytes());
      }
      if (maxPixels < 1 || maxPixels > 1_000_000_000L) {
        throw new IllegalArgumentException(
            "max_pixels must be in [1, 1000000000], but was " + maxPixels);
      }
      if (!(maxAudioSeconds > 0) || maxAudioSeconds > 86_400) {
        throw new IllegalArgumentException(
            "max_audio_seconds must be in (0, 86400], but was " + maxAudioSeconds);
      }
    }
  }

  /**
   * @param maxUncertainty quality uncertainty (points) above which a score is low-confidence;
   *     default 12
   * @param maxDisagreement quality points between the learned and built-in scorer above which they
   *     disagree; default 25
   * @param maxDistance how many standard deviations from the benchmark set any one dimension may
   *     lie before the input is out-of-distribution; default 4
   */
  public record Review(double maxUncertainty, double maxDisagreement, double maxDistance) {
    public static final Review DEFAULT = new Review(12.0, 25.0, 4.0);

    @JsonCreator
    public Review(
        @JsonProperty("max_uncertainty") Double maxUncertainty,
        @JsonProperty("max_disagreement") Double maxDisagreement,
        @JsonProperty("max_distance") Double maxDistance) {
      this(
          maxUncertainty == null ? 12.0 : maxUncertainty,
          maxDisagreement == null ? 25.0 : maxDisagreement,
          maxDistance == null ? 4.0 : maxDistance);
    }

    public Review {
      if (!(maxUncertainty > 0) || !(maxDisagreement > 0) || !(maxDistance > 0)) {
        throw new IllegalArgumentException(
            "review thresholds must be positive, but were max_uncertainty="
                + maxUncertainty
                + " max_disagreement="
                + maxDisagreement
                + " max_distance="
                + maxDistance);
      }
    }
  }

  /**
   * @param reference how many of a scorer version's first scores form the reference window; default
   *     200
   * @param recent how many of its newest scores form the recent window; default 100
   * @param interval how often drift is recomputed; default 1m
   */
  public record Drift(int reference, int recent, Duration interval) {
    public static final Drift DEFAULT = new Drift(200, 100, Duration.ofMinutes(1));

    @JsonCreator
    public Drift(
        @JsonProperty("reference") Integer reference,
        @JsonProperty("recent") Integer recent,
        @JsonProperty("interval") Duration interval) {
      this(
          reference == null ? 200 : reference,
          recent == null ? 100 : recent,
          interval == null ? Duration.ofMinutes(1) : interval);
    }

    public Drift {
      if (reference < 20 || recent < 20) {
        throw new IllegalArgumentException(
            "drift windows need at least 20 scores each, but were reference="
                + reference
                + " recent="
                + recent);
      }
      if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(
            "drift.interval must be at least 1s, but was " + Durations.format(interval));
      }
    }
  }

  /**
   * Learned scorers, each optional.
   *
   * @param image an image model, e.g. NIMA
   * @param audio a speech model, e.g. DNSMOS
   */
  public record Models(Model image, Model audio) {
    public static final Models NONE = new Models(null, null);

    @JsonCreator
    public Models {}
  }

  /**
   * An operator-supplied ONNX model and how to feed it. The model's first input takes a float
   * tensor: for images {@code [1, 3, height, width]} (RGB, each channel {@code (v/255 - mean) /
   * std}); for audio {@code [1, samples]} at {@code sample_rate} (cut or zero-padded). Its first
   * output is either one number (a score between {@code range[0]} and {@code range[1]}) or a
   * probability distribution over equally spaced scores from {@code range[0]} to {@code range[1]}
   * (NIMA's ten classes), whose mean is the score; either is mapped to 0-100.
   *
   * @param path the .onnx file; relative paths are under the NXS home
   * @param width image input width; default 224
   * @param height image input height; default 224
   * @param mean per-channel mean; default ImageNet's {0.485, 0.456, 0.406}
   * @param std per-channel standard deviation; default ImageNet's {0.229, 0.224, 0.225}
   * @param sampleRate audio input rate; default 16000
   * @param samples audio input length; default 144160 (DNSMOS's 9.01 s)
   * @param range the model's score range; default {1, 10}
   */
  public record Model(
      String path,
      int width,
      int height,
      List<Double> mean,
      List<Double> std,
      int sampleRate,
      int samples,
      List<Double> range) {

    @JsonCreator
    public Model(
        @JsonProperty("path") String path,
        @JsonProperty("width") Integer width,
        @JsonProperty("height") Integer height,
        @JsonProperty("mean") List<Double> mean,
        @JsonProperty("std") List<Double> std,
        @JsonProperty("sample_rate") Integer sampleRate,
        @JsonProperty("samples") Integer samples,
        @JsonProperty("range") List<Double> range) {
      this(
          path,
          width == null ? 224 : width,
          height == null ? 224 : height,
          mean == null ? List.of(0.485, 0.456, 0.406) : List.copyOf(mean),
          std == null ? List.of(0.229, 0.224, 0.225) : List.copyOf(std),
          sampleRate == null ? 16000 : sampleRate,
          samples == null ? 144160 : samples,
          range == null ? List.of(1.0, 10.0) : List.copyOf(range));
    }

    public Model {
      if (path == null || path.isBlank()) {
        throw new IllegalArgumentException("a model needs a path to its .onnx file");
      }
      if (width < 1 || height < 1 || width > 4096 || height > 4096) {
        throw new IllegalArgumentException(
            "model width and height must be in [1, 4096], but were " + width + "x" + height);
      }
      if (mean.size() != 3 || std.size() != 3 || std.stream().anyMatch(s -> !(s > 0))) {
        throw new IllegalArgumentException("mean and std need three values, std positive");
      }
      if (sampleRate < 8000 || sampleRate > 192000 || samples < 1 || samples > 10_000_000) {
        throw new IllegalArgumentException(
            "sample_rate must be in [8000, 192000] and samples in [1, 10000000]");
      }
      if (range.size() != 2 || !(range.get(1) > range.get(0))) {
        throw new IllegalArgumentException(
            "range must be two numbers, low then high, but was " + range);
      }
    }
  }
}
