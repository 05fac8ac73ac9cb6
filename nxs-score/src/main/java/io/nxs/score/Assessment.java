package io.nxs.score;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one scorer made of one input.
 *
 * @param dimensions the measured dimensions, by name; a dimension that could not be judged is
 *     absent
 * @param quality 0-100, higher is better, or null when the scorer cannot give one
 * @param flags {@code edge_case}, {@code low_confidence}, ... (see {@link Flags})
 * @param notes one-line explanations, e.g. why a dimension was left out
 */
public record Assessment(
    Map<String, Dimension> dimensions, Dimension quality, Set<String> flags, List<String> notes) {

  public Assessment {
    dimensions = Map.copyOf(dimensions);
    flags = Set.copyOf(flags);
    notes = List.copyOf(notes);
    if (quality != null && (quality.value() < 0 || quality.value() > 100)) {
      throw new IllegalArgumentException("quality must be in [0, 100], but was " + quality.value());
    }
  }
}
