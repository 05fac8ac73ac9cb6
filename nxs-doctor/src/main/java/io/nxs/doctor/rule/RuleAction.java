package io.nxs.doctor.rule;

import java.time.Duration;
import java.util.Locale;

/**
 * One entry of a rule's {@code actions}.
 *
 * @param type alert, suggest or escalate
 * @param message for {@code alert}: a template like {@code Disk {{disk.mount}} at
 *     {{disk.usage_percent}}%}
 * @param command for {@code suggest}: the command or healing action to suggest
 * @param after for {@code escalate}: how long the alert may fire unacknowledged first
 * @param action for {@code escalate}: the healing action to request then
 */
public record RuleAction(Type type, String message, String command, Duration after, String action) {

  /** The kinds of action the seed's format knows. */
  public enum Type {
    ALERT,
    SUGGEST,
    ESCALATE;

    static Type parse(String text) {
      for (Type t : values()) {
        if (t.name().equalsIgnoreCase(text)) {
          return t;
        }
      }
      throw new IllegalArgumentException(
          "action type must be alert, suggest or escalate, but was '" + text + "'");
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
