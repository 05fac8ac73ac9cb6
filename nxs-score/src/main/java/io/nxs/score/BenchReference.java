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
 * dimensions lie far from it (root mean square of robust z-scores: (x - median) / (1.4826 MAD), on
 * a log scale for the heavy-tailed sharpness) is out of distribution. Only compared within the
 * scorer version the reference was made with.
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
    double sum = 0;
    int n = 0;
    double worst = -1;
    String farthest = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = k.path("dimensions").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Dimension d = dims.get(e.getKey());
      double scale = e.getValue().path("scale").asDouble(0);
      if (d == null || !(scale > 0)) {
        continue;
      }
      double x = logScale(e.getKey()) ? Math.log10(1 + Math.max(0, d.value())) : d.value();
      double z = (x - e.getValue().path("center").asDouble()) / scale;
      sum += z * z;
      n++;
      if (Math.abs(z) > worst) {
        worst = Math.abs(z);
        farthest = e.getKey();
      }
    }
    if (n == 0) {
      return ScoringEngine.OptionalDistance.NONE;
    }
    return new ScoringEngine.OptionalDistance(true, Math.sqrt(sum / n), farthest);
  }
}
