package io.nxs.doctor.incident;

import io.nxs.doctor.rule.MessageTemplate;
import java.util.Locale;

/** Prints an incident the way seed 001 §5 shows it. */
public final class IncidentTree {

  private IncidentTree() {}

  /**
   *
   *
   * <pre>
   * [INCIDENT-2026-0222-001] Critical
   * ├── Root Cause: disk-space-critical (/) at 98%
   * ├── Related: service-restart-failed (nxs)
   * ├── Related: high-error-rate
   * └── Suggested Action: Free disk space on /, then restart nxs
   *     Confidence: 0.86 (base 0.90 × temporal 0.95 × topological 1.00)
   * </pre>
   */
  public static String render(Incident i) {
    StringBuilder b = new StringBuilder();
    String sev = i.severity().label();
    b.append('[')
        .append(i.id())
        .append("] ")
        .append(Character.toUpperCase(sev.charAt(0)))
        .append(sev.substring(1));
    if (!i.open()) {
      b.append(" (resolved)");
    }
    b.append('\n');
    Incident.Member root = i.rootCause();
    b.append("├── Root Cause: ")
        .append(root.title())
        .append(" at ")
        .append(MessageTemplate.format(root.value()))
        .append(root.unit())
        .append('\n');
    for (Incident.Member m : i.related()) {
      b.append("├── Related: ").append(m.title()).append('\n');
    }
    b.append("└── Suggested Action: ").append(i.suggestedAction()).append('\n');
    b.append(
        String.format(
            Locale.ROOT,
            "    Confidence: %.2f (base %.2f × temporal %.2f × topological %.2f)%n",
            i.confidence(),
            i.factors().base(),
            i.factors().temporal(),
            i.factors().topological()));
    return b.toString();
  }
}
