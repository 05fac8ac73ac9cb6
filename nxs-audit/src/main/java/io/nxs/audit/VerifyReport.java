package io.nxs.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The outcome of checking the live chain or an archive file.
 *
 * @param source what was checked: {@code live} or an archive file name
 * @param ok whether everything checked out
 * @param entriesChecked how many entries were read
 * @param firstBadSeq the first sequence number that is wrong, or null when ok
 * @param problem what is wrong, or null when ok
 * @param message one line for the operator
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VerifyReport(
    @JsonProperty("source") String source,
    @JsonProperty("ok") boolean ok,
    @JsonProperty("entries_checked") long entriesChecked,
    @JsonProperty("first_bad_seq") Long firstBadSeq,
    @JsonProperty("problem") Problem problem,
    @JsonProperty("message") String message) {

  /** What a failed check found. */
  public enum Problem {
    /** An entry's content no longer matches its hash, or a hash was rewritten. */
    EDITED,
    /** Entries are missing from the middle (or start) of the chain. */
    MISSING,
    /** Entries are out of order: an entry links to a hash held by a different position. */
    REORDERED,
    /** A signature does not verify with the audit public key. */
    BAD_SIGNATURE,
    /** The newest entries are gone: the chain ends before the signed head. */
    TRUNCATED,
    /**
     * The log is behind, or differs from, a signed checkpoint kept off the machine: it was rolled
     * back to an earlier signed state.
     */
    ROLLED_BACK
  }

  /** A passing report. */
  public static VerifyReport ok(String source, long entries) {
    return new VerifyReport(
        source, true, entries, null, null, source + ": " + entries + " entries verified");
  }

  /** A failing report naming the first bad seq. */
  public static VerifyReport bad(
      String source, long entries, long seq, Problem problem, String why) {
    return new VerifyReport(
        source,
        false,
        entries,
        seq,
        problem,
        source
            + ": seq "
            + seq
            + " "
            + problem.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
            + ": "
            + why);
  }
}
