package io.nxs.core;

import java.util.Locale;

/** How bad something is, shared by audit entries and Doctor alerts (seed 001 §4 and §8). */
public enum Severity {
  CRITICAL,
  HIGH,
  MEDIUM,
  LOW,
  INFO;

  /** The lower-case name used in files and JSON. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a label case-insensitively.
   *
   * @throws NxsException when the text names no severity
   */
  public static Severity parse(String text) {
    for (Severity s : values()) {
      if (s.name().equalsIgnoreCase(text)) {
        return s;
      }
    }
    throw new NxsException(
        "severity must be one of critical, high, medium, low, info, but was '" + text + "'");
  }
}
