package io.nxs.score.image;

import io.nxs.score.Assessment;
import io.nxs.score.Dimension;
import io.nxs.score.Flags;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The built-in image scorer: BRISQUE with OpenCV's LIVE model and the classical measures of {@link
 * ImageMeasures}, combined into {@code quality}.
 *
 * <p>Uncertainty: for every dimension, the standard error of the same measure over the image's four
 * quadrants (how much the answer depends on which part of the image is looked at). For {@code
 * quality}, those uncertainties propagated through the combination (first order, by finite
 * differences, in quadrature).
 *
 * <p>quality = 100 x product of factors in [0, 1], each the share of quality one defect leaves:
 * BRISQUE's {@code (1 - b/100)}, and factors for noise, clipping, low contrast, blur and blocking
 * that are 1 while the measure is within the range of a good photograph and fall smoothly beyond
 * it. A product, because one severe defect spoils an image whatever else is right. The thresholds
 * were set on the benchmark set's ladders (SPEC SC4), whose Spearman per ladder is recorded in
 * bench/results.
 */
public final class ImageScorer {

  /** The scorer's name in every score. */
  public static final String NAME = "builtin-image";

  /** Bump whenever a measure or the combination changes: drift is compared within one version. */
  public static final String VERSION = "1";

  /** sRGB's mid grey (18 % reflectance), where a balanced exposure centres. */
  static final double MID_GREY = 0.46;

  /** Aspect ratio beyond which an image is an edge case. */
  static final double EXTREME_ASPECT = 16;

  private final Supplier<BrisqueModel> model;
  private final BrisqueWorkspaces workspaces;

  /**
   * A scorer keeping one BRISQUE workspace per core, released after a minute unused by {@code
   * clock}.
   */
  public ImageScorer(BrisqueModel model, Clock clock) {
    this(model, BrisqueWorkspaces.perCore(clock));
  }

  public ImageScorer(BrisqueModel model, BrisqueWorkspaces workspaces) {
    this(() -> model, workspaces);
  }

  /**
   * A scorer whose model is fetched at its first use (the daemon's: {@link BrisqueModel#live}, read
   * when its first score checks the goldens, not on the daemon's start path).
   */
  public ImageScorer(Supplier<BrisqueModel> model, BrisqueWorkspaces workspaces) {
    this.model = model;
    this.workspaces = workspaces;
  }

  /** The BRISQUE workspaces kept between images (the score module releases idle ones). */
  public BrisqueWorkspaces workspaces() {
    return workspaces;
  }

  /** Name, version and model version, e.g. {@code builtin-image@1+brisque-live-1a2b3c4d5e6f}. */
  public String version() {
    return VERSION + "+brisque-live-" + model.get().version();
  }

  /** Scores a decoded picture. */
  public Assessment assess(Picture p) {
    Map<String, Dimension> dims = new LinkedHashMap<>();
    Set<String> flags = new LinkedHashSet<>();
    List<String> notes = new ArrayList<>();
    ImageMeasures m = ImageMeasures.of(p);
    int minSide = Math.min(p.width(), p.height());
    double aspect = (double) Math.max(p.width(), p.height()) / minSide;
    if (m.singleColour()) {
      flags.add(Flags.EDGE_CASE);
      notes.add(
          "a single colour: brisque, sharpness, noise and compression cannot be judged on a flat"
              + " image; quality is 0 (no content)");
      put(dims, "exposure", m.exposure());
      put(dims, "brightness", m.brightness());
      put(dims, "contrast", m.contrast());
      put(dims, "colorfulness", m.colorfulness());
      return new Assessment(dims, new Dimension(0, 0), flags, notes);
    }
    Optional<Brisque.Result> brisque =
        minSide >= Brisque.MIN_SIDE
            ? Brisque.compute(p.grey(), p.width(), p.height(), model.get(), workspaces)
            : Optional.empty();
    if (brisque.isPresent()) {
      dims.put("brisque", Dimension.ofParts(brisque.get().whole(), brisque.get().quadrants()));
    } else {
      flags.add(Flags.EDGE_CASE);
      notes.add(
          minSide < Brisque.MIN_SIDE
              ? "brisque left out: the image is "
                  + p.width()
                  + "x"
                  + p.height()
                  + ", BRISQUE needs at least "
                  + Brisque.MIN_SIDE
                  + " px a side"
              : "brisque left out: the image has too little structure for its statistics");
    }
    if (m.sharpness() != null) {
      put(dims, "sharpness", m.sharpness());
      put(dims, "noise", m.noise());
      put(dims, "compression", m.compression());
    } else {
      notes.add(
          "sharpness, noise and compression left out: they need at least "
              + ImageMeasures.MIN_SIDE
              + " px a side");
    }
    put(dims, "exposure", m.exposure());
    put(dims, "brightness", m.brightness());
    put(dims, "contrast", m.contrast());
    put(dims, "colorfulness", m.colorfulness());
    if (minSide < ImageMeasures.MIN_SIDE) {
      flags.add(Flags.EDGE_CASE);
    }
    if (aspect > EXTREME_ASPECT) {
      flags.add(Flags.EDGE_CASE);
      notes.add(
          String.format(
              java.util.Locale.ROOT,
              "extreme aspect ratio %.0f:1: the measures assume a photograph's proportions",
              aspect));
    }
    if (m.exposure()[0] > 0.95) {
      flags.add(Flags.EDGE_CASE);
      notes.add("almost entirely clipped to black or white");
    }
    if (!dims.containsKey("brisque")) {
      notes.add("quality left out: it rests on brisque");
      return new Assessment(dims, null, flags, notes);
    }
    return new Assessment(dims, quality(dims), flags, notes);
  }

  /** The combined quality and its propagated uncertainty. */
  static Dimension quality(Map<String, Dimension> dims) {
    double q = combine(dims, null, 0);
    double var = 0;
    for (String name : dims.keySet()) {
      double u = dims.get(name).uncertainty();
      if (u == 0) {
        continue;
      }
      double up = combine(dims, name, u);
      double down = combine(dims, name, -u);
      double d = Math.max(Math.abs(up - q), Math.abs(down - q));
      var += d * d;
    }
    return new Dimension(q, Math.sqrt(var));
  }

  private static double combine(Map<String, Dimension> dims, String shifted, double by) {
    ToDoubleFunction<String> v = name -> dims.get(name).value() + (name.equals(shifted) ? by : 0);
    double q = clamp01(1 - v.applyAsDouble("brisque") / 100);
    if (dims.containsKey("noise")) {
      q *= 1 - clamp01((v.applyAsDouble("noise") - 1) / 28);
    }
    q *= 1 - clamp01(v.applyAsDouble("exposure") / 0.4);
    q *= 1 - ramp(Math.abs(v.applyAsDouble("brightness") - MID_GREY), 0.05, 0.45);
    q *= ramp(v.applyAsDouble("contrast"), 0.0, 0.16);
    if (dims.containsKey("sharpness")) {
      q *= 0.25 + 0.75 * ramp(Math.log10(1 + Math.max(0, v.applyAsDouble("sharpness"))), 0.3, 2.0);
    }
    if (dims.containsKey("compression")) {
      q *= 1 - 0.8 * ramp(v.applyAsDouble("compression"), 0.05, 0.8);
    }
    return Math.min(100, Math.max(0, 100 * q));
  }

  /** 0 at or below {@code lo}, 1 at or above {@code hi}, smooth (smoothstep) between. */
  static double ramp(double x, double lo, double hi) {
    double t = clamp01((x - lo) / (hi - lo));
    return t * t * (3 - 2 * t);
  }

  private static double clamp01(double x) {
    return x < 0 ? 0 : x > 1 ? 1 : x;
  }

  private static void put(Map<String, Dimension> dims, String name, double[] perRegion) {
    dims.put(
        name,
        Dimension.ofParts(perRegion[0], perRegion[1], perRegion[2], perRegion[3], perRegion[4]));
  }
}
