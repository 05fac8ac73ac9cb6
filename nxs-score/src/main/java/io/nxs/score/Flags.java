package io.nxs.score;

/** The flags a score may carry. */
public final class Flags {

  /** Extreme input (a single colour, silence, a pure tone, tiny or huge): special-cased. */
  public static final String EDGE_CASE = "edge_case";

  /** The score needs a person's look; it is in the review queue. */
  public static final String REVIEW = "review";

  /** The uncertainty of quality is wide. */
  public static final String LOW_CONFIDENCE = "low_confidence";

  /** The learned and the built-in scorer disagree. */
  public static final String DISAGREEMENT = "scorer_disagreement";

  /** Far, in feature space, from everything in the benchmark set. */
  public static final String OUT_OF_DISTRIBUTION = "out_of_distribution";

  /** The primary (learned) scorer failed and the built-in one answered. */
  public static final String FALLBACK = "fallback";

  private Flags() {}
}
