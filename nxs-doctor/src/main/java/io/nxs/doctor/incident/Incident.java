package io.nxs.doctor.incident;

import io.nxs.core.Severity;
import java.time.Instant;
import java.util.List;

/**
 * A group of alerts with one root cause (SPEC DR4).
 *
 * @param id e.g. {@code INCIDENT-2026-0222-001}
 * @param severity the worst severity among its alerts
 * @param open whether any of its alerts is still open
 * @param openedAt when its first alert fired
 * @param closedAt when its last alert resolved, or null
 * @param rootCause the alert judged to be the cause
 * @param related the other alerts
 * @param suggestedAction what to do
 * @param confidence base × temporal × topological, in [0, 1]
 * @param factors the three factors
 * @param reason how the root cause was found: a pattern's id, {@code topology} or {@code earliest}
 */
public record Incident(
    String id,
    Severity severity,
    boolean open,
    Instant openedAt,
    Instant closedAt,
    Member rootCause,
    List<Member> related,
    String suggestedAction,
    double confidence,
    Factors factors,
    String reason) {

  public Incident {
    related = List.copyOf(related);
  }

  /**
   * One alert as the incident shows it.
   *
   * @param alertId the alert
   * @param ruleId its rule
   * @param title rule id and label values
   * @param component what it is about
   * @param message its message
   * @param value its value
   * @param unit {@code %} for percentages, else empty
   * @param since when its condition became true (its onset)
   * @param firedAt when it fired
   * @param resolved whether it resolved
   * @param severity its severity
   * @param category its rule's category
   * @param labels its series labels
   */
  public record Member(
      String alertId,
      String ruleId,
      String title,
      String component,
      String message,
      double value,
      String unit,
      Instant since,
      Instant firedAt,
      boolean resolved,
      Severity severity,
      String category,
      java.util.Map<String, String> labels) {}

  /** The factors of the confidence. */
  public record Factors(double base, double temporal, double topological) {}

  /** Every alert id, root first. */
  public List<String> alertIds() {
    List<String> ids = new java.util.ArrayList<>();
    ids.add(rootCause.alertId());
    related.forEach(m -> ids.add(m.alertId()));
    return ids;
  }
}
