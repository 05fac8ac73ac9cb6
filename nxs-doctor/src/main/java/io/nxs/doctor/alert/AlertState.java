package io.nxs.doctor.alert;

import java.util.Locale;

/**
 * Where an alert is in its lifecycle (SPEC DR3): pending (condition true, duration not yet met) →
 * firing → resolved (by itself when the rule auto-resolves) or acknowledged (by an operator, then
 * resolved once the condition clears).
 */
public enum AlertState {
  PENDING,
  FIRING,
  ACKNOWLEDGED,
  RESOLVED;

  /** The lower-case name used in JSON and the CLI. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the alert is still open (not resolved). */
  public boolean open() {
    return this != RESOLVED;
  }

  /** Whether the problem is confirmed: firing or acknowledged. */
  public boolean active() {
    return this == FIRING || this == ACKNOWLEDGED;
  }
}
