package io.nxs.cluster.heal;

/** What the heal decided for one value written on the losing side while apart. */
public sealed interface Resolution {

  /** The value written apart. */
  Written apart();

  /**
   * The value written apart becomes the shared value (a newer chat message; configuration from the
   * winning side).
   */
  record Apply(Written apart, String rule) implements Resolution {}

  /** The value written apart is dropped; the shared value stays (older message, losing config). */
  record Keep(Written apart, String rule) implements Resolution {}

  /**
   * The two sides disagree on something never merged automatically (identity, secrets): a person
   * decides; the shared value stays meanwhile.
   *
   * @param current the shared value kept meanwhile, if any
   */
  record Review(Written apart, Written current) implements Resolution {}
}
