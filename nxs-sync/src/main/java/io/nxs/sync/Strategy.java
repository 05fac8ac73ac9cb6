package io.nxs.sync;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a file changed on both sides since the last sync is merged (seed 002 §3, SPEC SY3).
 *
 * <ul>
 *   <li>{@link #APPEND}: both sides' new entries are kept, each once, in time order (a decision
 *       log). See {@code MarkdownEntries} for what an entry is.
 *   <li>{@link #REPLACE}: the later write wins; the other version is kept beside it as a conflict
 *       copy (curated memory).
 *   <li>{@link #APPEND_DATE}: never overwrite: the version already on the remote keeps the name and
 *       the local one is kept under the name with a dated suffix (daily memory files).
 * </ul>
 */
public enum Strategy {
  @JsonProperty("append")
  APPEND("append"),
  @JsonProperty("replace")
  REPLACE("replace"),
  @JsonProperty("append-date")
  APPEND_DATE("append-date");

  private final String label;

  Strategy(String label) {
    this.label = label;
  }

  /** The name in the manifest, e.g. {@code append-date}. */
  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }
}
