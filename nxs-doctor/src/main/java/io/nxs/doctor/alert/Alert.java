package io.nxs.doctor.alert;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.nxs.core.Severity;
import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of one alert: one rule on one series (rule id + labels is its identity for
 * deduplication).
 *
 * @param id unique id, e.g. {@code A17}
 * @param ruleId the rule
 * @param labels the series labels, e.g. {@code mount=/}
 * @param severity the rule's severity
 * @param state lifecycle state
 * @param since when the condition became true
 * @param firedAt when it started firing, or null while pending
 * @param resolvedAt when it resolved, or null
 * @param value the value of the condition's first metric at the last evaluation
 * @param message the rendered alert message
 * @param flapping whether it fired repeatedly in a short time (notifications are held back)
 * @param ackedBy who acknowledged it, or null
 * @param incidentId the incident it belongs to, or null
 * @param component what it is about, e.g. {@code disk} or a service name
 * @param category the rule's category
 */
public record Alert(
    String id,
    String ruleId,
    Map<String, String> labels,
    Severity severity,
    AlertState state,
    Instant since,
    Instant firedAt,
    Instant resolvedAt,
    double value,
    String message,
    boolean flapping,
    String ackedBy,
    String incidentId,
    String component,
    String category) {

  public Alert {
    labels = Map.copyOf(labels);
  }

  /** The deduplication key: rule id and sorted labels. */
  @JsonIgnore
  public String key() {
    return key(ruleId, labels);
  }

  /** The deduplication key of a rule on a series. */
  public static String key(String ruleId, Map<String, String> labels) {
    return ruleId + new java.util.TreeMap<>(labels);
  }

  /** {@code rule-id (label values)}, for the incident tree. */
  @JsonIgnore
  public String title() {
    return labels.isEmpty()
        ? ruleId
        : ruleId + " (" + String.join(", ", new java.util.TreeMap<>(labels).values()) + ")";
  }

  public Alert withIncident(String incident) {
    return new Alert(
        id,
        ruleId,
        labels,
        severity,
        state,
        since,
        firedAt,
        resolvedAt,
        value,
        message,
        flapping,
        ackedBy,
        incident,
        component,
        category);
  }
}
