package io.nxs.cluster.heal;

import io.nxs.core.cluster.SharedKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Phases 2 and 3 of the heal after a split (SPEC CL6, seed 001 §2): compare what a node of the
 * losing side wrote while apart with the shared state, classify each difference and settle it.
 *
 * <table>
 *   <tr><th>kind</th><th>rule</th><th>automatic</th></tr>
 *   <tr><td>chat messages</td><td>last writer wins</td><td>yes</td></tr>
 *   <tr><td>configuration</td><td>the winning side wins</td><td>yes</td></tr>
 *   <tr><td>identity, secrets</td><td>a person decides</td><td>no</td></tr>
 * </table>
 *
 * Presence (an OR-set) and the task queue (merged, deduplicated by id) are CRDTs that Pekko merges
 * as soon as the sides meet; they need no plan.
 */
public final class HealPlanner {

  private HealPlanner() {}

  /**
   * Settles the values written apart.
   *
   * @param apart what the node wrote while on the losing side, oldest first
   * @param shared the shared value of each {@code kind/key} now, as the winning side has it
   * @param apartSideWon whether the side the values were written on won phase 1 after all
   */
  public static List<Resolution> plan(
      Collection<Written> apart, Map<String, Written> shared, boolean apartSideWon) {
    List<Resolution> out = new ArrayList<>();
    for (Written w : latestPerKey(apart)) {
      Written current = shared.get(keyOf(w.kind(), w.key()));
      if (current != null && Objects.equals(current.value(), w.value())) {
        out.add(new Resolution.Keep(w, "same value on both sides"));
        continue;
      }
      out.add(
          switch (w.kind()) {
            case CHAT ->
                current == null || w.at().isAfter(current.at())
                    ? new Resolution.Apply(w, "last writer wins")
                    : new Resolution.Keep(w, "last writer wins");
            case CONFIG ->
                apartSideWon || current == null
                    ? new Resolution.Apply(w, "the winning side wins")
                    : new Resolution.Keep(w, "the winning side wins");
            case IDENTITY, SECRET ->
                current == null
                    ? new Resolution.Apply(w, "written on one side only")
                    : new Resolution.Review(w, current);
          });
    }
    return out;
  }

  /** The map key of a shared value. */
  public static String keyOf(SharedKind kind, String key) {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + "/" + key;
  }

  private static Collection<Written> latestPerKey(Collection<Written> apart) {
    Map<String, Written> latest = new java.util.LinkedHashMap<>();
    for (Written w : apart) {
      latest.merge(keyOf(w.kind(), w.key()), w, (a, b) -> b.at().isBefore(a.at()) ? a : b);
    }
    return latest.values();
  }
}
