package io.nxs.score;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One scored (or refused) file, as the API and {@code nxs score -o json} return it.
 *
 * @param id the score's id, e.g. {@code sc-01jc5x...}
 * @param file the name it came with
 * @param kind {@code image} or {@code audio}; null when the bytes are no known media
 * @param format what the bytes hold, e.g. {@code PNG}
 * @param sha256 of the bytes
 * @param status {@code scored}, {@code rejected} or {@code unable_to_score}
 * @param quality 0-100, higher is better, with its uncertainty; null unless scored (and also when
 *     the scorer could not judge quality, e.g. 0.1 s of audio)
 * @param dimensions name to value and uncertainty
 * @param flags e.g. {@code edge_case}, {@code review}
 * @param scorer which scorer produced it, with its version
 * @param reason why it was rejected or unable, or what was special about it; null otherwise
 * @param createdAt when it was scored
 */
public record Score(
    String id,
    String file,
    String kind,
    String format,
    String sha256,
    String status,
    Dimension quality,
    Map<String, Dimension> dimensions,
    List<String> flags,
    ScorerInfo scorer,
    String reason,
    @JsonProperty("created_at") Instant createdAt) {

  public static final String SCORED = "scored";
  public static final String REJECTED = "rejected";
  public static final String UNABLE = "unable_to_score";

  /**
   * What produced a score.
   *
   * @param name e.g. {@code builtin-image} or {@code onnx:nima.onnx}
   * @param version the scorer and model version; drift is compared within one
   * @param fallback when the primary scorer failed: its name and why
   */
  public record ScorerInfo(String name, String version, String fallback) {}

  /** Whether it was scored. */
  public boolean scored() {
    return SCORED.equals(status);
  }
}
