package io.nxs.score;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import io.nxs.core.NxsException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The benchmark set's centre and spread of every dimension, per kind and scorer version (resource
 * {@code bench-reference.json}, written by {@code nxs score bench --reference-out}). A score whose
 * dimensions lie far from it (root mean square of z-scores, (x - mean) / sd, on a log scale for the
 * heavy-tailed sharpness) is out of distribution. Only compared within the scorer version the
 * reference was made with.
 *
 * <p>Each spread is at least the dimension's {@link #FLOORS floor}: the benchmark set's sources are
 * alike (six procedural scenes, four synthetic voices), so without a floor a photograph merely
 * darker than the scenes, or a clean 16 kHz recording, would count as far out. A floor is the
 * smallest difference that matters for that dimension in practice.
 */
public final class BenchReference implements ScoringEngine.Reference {

  private final JsonNode root;

  private BenchReference(JsonNode root) {
    this.root = root;
  }

  /** The reference shipped with NXS, if any. */
  public static Optional<BenchReference> shipped() {
    try (InputStream in =
        BenchReference.class.getResourceAsStream("/io/nxs/score/bench-reference.json")) {
      return in == null
          ? Optional.empty()
          : Optional.of(new BenchReference(Json.mapper().readTree(in)));
    } catch (IOException e) {
      throw new NxsException("the shipped bench-reference.json is damaged: " + e.getMessage(), e);
    }
  }

  /** A reference from JSON text. */
  public static BenchReference of(JsonNode root) {
    return new BenchReference(root);
  }

  /** The smallest spread per dimension (in its own unit; sharpness in log10 units). */
  static final Map<String, Double> FLOORS =
      Map.ofEntries(
          Map.entry("brisque", 10.0),
          Map.entry("sharpness", 0.5),
          Map.entry("noise", 3.0),
          Map.entry("exposure", 0.05),
          Map.entry("brightness", 0.15),
          Map.entry("contrast", 0.05),
          Map.entry("colorfulness", 15.0),
          Map.entry("compression", 0.2),
          Map.entry("loudness_lufs", 6.0),
          Map.entry("true_peak_dbtp", 3.0),
          Map.entry("snr_db", 15.0),
          Map.entry("clipping", 0.005),
          Map.entry("silence", 0.15),
          Map.entry("bandwidth_hz", 2000.0),
          Map.entry("dc_offset", 0.005));

  /** Whether a dimension is compared on a log scale. */
  public static boolean logScale(String dimension) {
    return dimension.equals("sharpness");
  }

  @Override
  public ScoringEngine.OptionalDistance distance(
      String kind, String scorerVersion, Map<String, Dimension> dims) {
    JsonNode k = root.path(kind);
    if (!k.path("scorer_version").asText("").equals(scorerVersion)) {
      return ScoringEngine.OptionalDistance.NONE;
    }
    int n = 0;
    double worst = -1;
    String farthest = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = k.path("dimensions").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Dimension d = dims.get(e.getKey());
      double scale =
          Math.max(e.getValue().path("scale").asDouble(0), FLOORS.getOrDefault(e.getKey(), 0.0));
      if (d == null || !(scale > 0)) {
        continue;
      }
      double x = logScale(e.getKey()) ? Math.log10(1 + Math.max(0, d.value())) : d.value();
      double z = (x - e.getValue().path("center").asDouble()) / scale;
      n++;
      if (Math.abs(z) > worst) {
        worst = Math.abs(z);
        farthest = e.getKey();
      }
    }
    if (n == 0) {
      return ScoringEngine.OptionalDistance.NONE;
    }
    return new ScoringEngine.OptionalDistance(true, worst, farthest);
  }
}
