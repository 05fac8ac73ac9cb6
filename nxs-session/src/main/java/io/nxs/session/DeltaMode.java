package io.nxs.session;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * When a migration sends a store as a patch against an earlier copy both sides hold ({@code
 * session.migration.delta}).
 */
public enum DeltaMode {
  /** The source measures the link and the patch's cost and sends whichever is faster. */
  @JsonProperty("auto")
  AUTO,
  /** Always a patch when both sides hold the same earlier copy. */
  @JsonProperty("always")
  ALWAYS,
  /** Always the whole store. */
  @JsonProperty("never")
  NEVER;

  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
