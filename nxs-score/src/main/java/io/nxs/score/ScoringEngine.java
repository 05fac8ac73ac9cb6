package io.nxs.score;

import io.nxs.core.NxsException;
import io.nxs.score.audio.AudioDecoder;
import io.nxs.score.audio.AudioScorer;
import io.nxs.score.audio.Sound;
import io.nxs.score.image.BrisqueWorkspaces;
import io.nxs.score.image.DecodeBuffers;
import io.nxs.score.image.ImageDecoder;
import io.nxs.score.image.ImageScorer;
import io.nxs.score.image.Picture;
import io.nxs.score.learned.OnnxScorer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Turns bytes into a {@link Score}: what they are (by content, never by name), the limits, the
 * decoder, the scorers (a learned primary when configured, the built-in one as fallback and as a
 * second opinion), and the review flags. Holds no state beyond the scorers; persistence, metrics
 * and drift are {@link ScoreService}'s.
 *
 * <p>Memory: at most {@code concurrency} files are decoded and scored at once, each bounded by
 * {@code max_pixels} or {@code max_audio_seconds}; the rest wait for a permit.
 */
public final class ScoringEngine implements AutoCloseable {

  private final ScoreConfig config;
  private final Clock clock;
  private final ImageScorer images;
  private final DecodeBuffers decodeBuffers;
  private final AudioScorer voices;
  private final Map<MediaFormat.Kind, OnnxScorer> learned;
  private final Map<MediaFormat.Kind, String> disabled =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final Reference reference;
  private final Semaphore permits;
  private final Map<MediaFormat.Kind, Gate> gates = new java.util.concurrent.ConcurrentHashMap<>();

  /** A check a kind's scores wait for, and what begins it. */
  private record Gate(CompletableFuture<Void> check, Runnable begin) {}

  /**
   * @param learned the operator's learned scorers by kind, possibly none
   */
  public ScoringEngine(
      ScoreConfig config,
      Clock clock,
      ImageScorer images,
      AudioScorer voices,
      Map<MediaFormat.Kind, OnnxScorer> learned,
      Reference reference) {
    this.config = config;
    this.clock = clock;
    this.images = images;
    this.voices = voices;
    this.learned = Map.copyOf(learned);
    this.reference = reference;
    this.permits = new Semaphore(config.concurrency(), true);
    this.decodeBuffers = new DecodeBuffers(clock, BrisqueWorkspaces.IDLE, config.concurrency());
  }

  /**
   * Takes a built-in scorer out of service, e.g. because it disagrees with its goldens; files of
   * its kind are then {@code unable_to_score} with this reason.
   */
  public void disable(MediaFormat.Kind kind, String reason) {
    disabled.put(kind, reason);
  }

  /**
   * Makes the scoring of {@code kind} wait for a check of its scorer that begins late (the daemon
   * checks the goldens of a kind at its first score of that kind): that score runs {@code begin}
   * before it waits, so a score never waits for a check nobody began. {@code begin} must be
   * idempotent.
   */
  public void gate(MediaFormat.Kind kind, CompletableFuture<Void> check, Runnable begin) {
    gates.put(kind, new Gate(check, begin));
  }

  /** Whether the check of {@code kind}'s scorer, if any, has finished. */
  public boolean checkedYet(MediaFormat.Kind kind) {
    Gate g = gates.get(kind);
    return g == null || g.check().isDone();
  }

  /** The built-in scorers taken out of service, with why. */
  public Map<MediaFormat.Kind, String> disabled() {
    return Map.copyOf(disabled);
  }

  /** The built-in image scorer. */
  public ImageScorer images() {
    return images;
  }

  /**
   * Lets go of the image buffers (decode buffers and BRISQUE workspaces) no image used for {@link
   * BrisqueWorkspaces#IDLE}.
   *
   * @return their bytes (0 when nothing was idle)
   */
  public long releaseIdleBuffers() {
    return decodeBuffers.releaseIdle() + images.workspaces().releaseIdle();
  }

  /** The bytes of image buffers kept for the next image. */
  public long keptBufferBytes() {
    return decodeBuffers.keptBytes() + images.workspaces().keptBytes();
  }

  /** The built-in voice scorer. */
  public AudioScorer voices() {
    return voices;
  }

  /** The learned scorers in use, by kind. */
  public Map<MediaFormat.Kind, OnnxScorer> learned() {
    return learned;
  }

  /** The outcome of scoring one file, with what the service needs besides the score. */
  public record Outcome(Score score, String rejectCode, boolean review) {}

  /**
   * Scores one file's bytes.
   *
   * @param file the name it came with (used for messages and the wrong-extension check)
   * @param contentType what the sender says it is, or null
   */
  public Outcome score(String id, byte[] bytes, String file, String contentType) {
    String sha = sha256(bytes);
    Optional<MediaFormat> sniffed = MediaFormat.sniff(bytes);
    String kind = sniffed.map(f -> f.kind().label()).orElse(null);
    String format = sniffed.map(Enum::name).orElse(null);
    try {
      MediaFormat f = admit(bytes, file, contentType, sniffed);
      Gate gate = gates.get(f.kind());
      if (gate != null) {
        gate.begin().run();
        gate.check().join();
      }
      permits.acquireUninterruptibly();
      try {
        return f.kind() == MediaFormat.Kind.IMAGE
            ? image(id, bytes, file, f, sha)
            : audio(id, bytes, file, f, sha);
      } finally {
        permits.release();
      }
    } catch (Rejected r) {
      Score s =
          new Score(
              id,
              file,
              kind,
              format,
              sha,
              Score.REJECTED,
              null,
              Map.of(),
              List.of(),
              null,
              r.getMessage(),
              clock.instant());
      return new Outcome(s, r.code(), false);
    } catch (OutOfMemoryError e) {
      // The limits should make this impossible; if it happens anyway the file is refused, the
      // daemon lives on (the large arrays of this call are garbage now).
      Score s =
          new Score(
              id,
              file,
              kind,
              format,
              sha,
              Score.REJECTED,
              null,
              Map.of(),
              List.of(),
              null,
              "the file needs more memory than this daemon has: lower score.limits or raise -Xmx",
              clock.instant());
      return new Outcome(s, "too_large", false);
    }
  }

  private MediaFormat admit(
      byte[] bytes, String file, String contentType, Optional<MediaFormat> sniffed) {
    if (bytes.length == 0) {
      throw new Rejected("empty", "the file is empty (0 bytes)");
    }
    if (bytes.length > config.limits().maxBytes().bytes()) {
      throw new Rejected(
          "too_large",
          bytes.length
              + " bytes is over the limit of "
              + config.limits().maxBytes().bytes()
              + " (score.limits.max_bytes)");
    }
    if (sniffed.isEmpty()) {
      throw new Rejected(
          "unknown_format",
          "not an image or a recording NXS knows: expected PNG, JPEG, GIF, BMP, TIFF, WebP, WAV"
              + " or FLAC");
    }
    MediaFormat f = sniffed.get();
    Optional<MediaFormat> named = MediaFormat.ofName(file);
    if (named.isPresent() && named.get() != f) {
      throw new Rejected(
          "wrong_extension",
          "wrong extension: "
              + file
              + " holds "
              + f
              + " data, not "
              + named.get()
              + "; rename it ."
              + f.extensions().getFirst());
    }
    Optional<MediaFormat> declared = MediaFormat.ofContentType(contentType);
    if (declared.isPresent() && declared.get() != f) {
      throw new Rejected(
          "wrong_extension", "the content type says " + contentType + " but the bytes are " + f);
    }
    if (!f.supported()) {
      throw new Rejected(
          "unsupported_codec",
          f
              + " is recognised but not decoded by NXS: convert it to "
              + (f.kind() == MediaFormat.Kind.IMAGE ? "PNG or JPEG" : "WAV (PCM) or FLAC"));
    }
    return f;
  }

  private Outcome image(String id, byte[] bytes, String file, MediaFormat f, String sha) {
    DecodeBuffers.Frame frame = decodeBuffers.take();
    try {
      Picture p = ImageDecoder.decode(bytes, f, config.limits().maxPixels(), frame);
      OnnxScorer primary = learned.get(MediaFormat.Kind.IMAGE);
      return finish(
          id,
          file,
          f,
          sha,
          disabled.get(MediaFormat.Kind.IMAGE),
          ImageScorer.NAME,
          images.version(),
          () -> images.assess(p),
          primary == null ? null : () -> primary.score(p),
          primary);
    } finally {
      decodeBuffers.give(frame);
    }
  }

  private Outcome audio(String id, byte[] bytes, String file, MediaFormat f, String sha) {
    Sound s = AudioDecoder.decode(bytes, f, config.limits().maxAudioSeconds());
    OnnxScorer primary = learned.get(MediaFormat.Kind.AUDIO);
    return finish(
        id,
        file,
        f,
        sha,
        disabled.get(MediaFormat.Kind.AUDIO),
        AudioScorer.NAME,
        voices.version(),
        () -> voices.assess(s),
        primary == null ? null : () -> primary.score(s),
        primary);
  }

  private Outcome finish(
      String id,
      String file,
      MediaFormat f,
      String sha,
      String builtinDisabled,
      String builtinName,
      String builtinVersion,
      java.util.function.Supplier<Assessment> builtin,
      java.util.function.Supplier<Dimension> primary,
      OnnxScorer primaryScorer) {
    List<String> failures = new ArrayList<>();
    Assessment base = null;
    if (builtinDisabled != null) {
      failures.add(builtinName + " is out of service: " + builtinDisabled);
    } else {
      try {
        base = builtin.get();
      } catch (NxsException | ArithmeticException | IllegalArgumentException e) {
        failures.add(builtinName + " failed: " + e.getMessage());
      }
    }
    Dimension learnedQuality = null;
    String primaryFailure = null;
    if (primary != null) {
      try {
        learnedQuality = primary.get();
      } catch (NxsException e) {
        primaryFailure = e.getMessage();
        failures.add(primaryFailure);
      }
    }
    String kind = f.kind().label();
    if (base == null && learnedQuality == null) {
      Score s =
          new Score(
              id,
              file,
              kind,
              f.name(),
              sha,
              Score.UNABLE,
              null,
              Map.of(),
              List.of(),
              null,
              String.join("; ", failures),
              clock.instant());
      return new Outcome(s, null, false);
    }
    Set<String> flags = new LinkedHashSet<>();
    List<String> notes = new ArrayList<>();
    Map<String, Dimension> dims = new LinkedHashMap<>();
    Dimension quality;
    Score.ScorerInfo scorer;
    if (base != null) {
      dims.putAll(base.dimensions());
      flags.addAll(base.flags());
      notes.addAll(base.notes());
    }
    if (learnedQuality != null) {
      dims.put("learned_quality", learnedQuality);
      quality = learnedQuality;
      if (base != null && base.quality() != null) {
        double gap = Math.abs(learnedQuality.value() - base.quality().value());
        if (learnedQuality.uncertainty() == 0) {
          // a scalar model says nothing of its own uncertainty: take the built-in's, or half
          // the gap between the two scorers, whichever is larger
          quality =
              new Dimension(
                  learnedQuality.value(), Math.max(base.quality().uncertainty(), gap / 2));
        }
        if (gap > config.review().maxDisagreement()) {
          flags.add(Flags.DISAGREEMENT);
          notes.add(
              String.format(
                  Locale.ROOT,
                  "the learned scorer says %.0f, the built-in one %.0f",
                  learnedQuality.value(),
                  base.quality().value()));
        }
      }
      scorer =
          new Score.ScorerInfo(
              primaryScorer.name(),
              primaryScorer.version() + "+" + builtinName + "@" + builtinVersion,
              null);
    } else {
      quality = base.quality();
      String fallback =
          primaryFailure == null ? null : primaryScorer.name() + " failed: " + primaryFailure;
      if (fallback != null) {
        flags.add(Flags.FALLBACK);
        notes.add("the learned scorer failed, the built-in one answered");
      }
      scorer = new Score.ScorerInfo(builtinName, builtinVersion, fallback);
    }
    if (quality != null && quality.uncertainty() > config.review().maxUncertainty()) {
      flags.add(Flags.LOW_CONFIDENCE);
    }
    if (base != null && reference != null && !flags.contains(Flags.EDGE_CASE)) {
      OptionalDistance d = reference.distance(kind, builtinVersion, base.dimensions());
      if (d.present() && d.value() > config.review().maxDistance()) {
        flags.add(Flags.OUT_OF_DISTRIBUTION);
        notes.add(
            String.format(
                Locale.ROOT,
                "%s is %.1f standard deviations from the benchmark set",
                d.farthest(),
                d.value()));
      }
    }
    boolean review =
        flags.contains(Flags.LOW_CONFIDENCE)
            || flags.contains(Flags.DISAGREEMENT)
            || flags.contains(Flags.OUT_OF_DISTRIBUTION)
            || flags.contains(Flags.FALLBACK);
    if (review) {
      flags.add(Flags.REVIEW);
    }
    Score s =
        new Score(
            id,
            file,
            kind,
            f.name(),
            sha,
            Score.SCORED,
            quality,
            dims,
            List.copyOf(flags),
            scorer,
            notes.isEmpty() ? null : String.join("; ", notes),
            clock.instant());
    return new Outcome(s, null, review);
  }

  /** A distance from the benchmark set, if one could be computed. */
  public record OptionalDistance(boolean present, double value, String farthest) {
    public static final OptionalDistance NONE = new OptionalDistance(false, 0, null);
  }

  /** The benchmark set's spread of each dimension, for the out-of-distribution check. */
  public interface Reference {
    /** How far the farthest dimension is from the set, in standard deviations. */
    OptionalDistance distance(String kind, String scorerVersion, Map<String, Dimension> dims);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public void close() {
    learned.values().forEach(OnnxScorer::close);
  }
}
