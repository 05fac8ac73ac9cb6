package io.nxs.session;

/**
 * How old a part of an agent's history is (SPEC SE1): HOT (default: active in the last 24 h), WARM
 * (7 d), COLD (90 d), FROZEN (older). A migration moves HOT first; see {@link ZonePolicy}.
 */
public enum Zone {
  HOT,
  WARM,
  COLD,
  FROZEN;

  /** Lower-case name, as in JSON and the CLI. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
