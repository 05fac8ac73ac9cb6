package io.nxs.doctor.rule;

import java.time.Duration;
import java.util.Locale;

/**
 * One entry of a rule's {@code actions}.
 *
 * @param type alert, suggest, escalate or heal
 * @param message for {@code alert}: a template like {@code Disk {{disk.mount}} at
 *     {{disk.usage_percent}}%}
 * @param command for {@code suggest}: the command or healing action to suggest
 * @param after for {@code escalate}: how long the alert may fire unacknowledged first
 * @param action for {@code escalate}: the healing action to request then; for {@code heal}: a
 *     healing action (the Doctor's own, e.g. {@code doctor.restart_service}, or one another module
 *     registered, e.g. {@code gateway.switch_provider}) on the healing ladder of the rule's alerts
 */
public record RuleAction(Type type, String message, String command, Duration after, String action) {

  /** The kinds of action the seed's format knows. */
  public enum Type {
    ALERT,
    SUGGEST,
    ESCALATE,
    HEAL;

    static Type parse(String text) {
      for (Type t : values()) {
        if (t.name().equalsIgnoreCase(text)) {
          return t;
        }
      }
      throw new IllegalArgumentException(
          "action type must be alert, suggest, escalate or heal, but was '" + text + "'");
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
