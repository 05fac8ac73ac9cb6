package io.nxs.audit;

import io.nxs.core.NxsException;
import java.time.Duration;
import java.util.Locale;

/** The periods {@code nxs audit report} knows by name ({@code --daily}, {@code --weekly}, ...). */
public enum ReportPeriod {
  DAILY(Duration.ofDays(1)),
  WEEKLY(Duration.ofDays(7)),
  MONTHLY(Duration.ofDays(30));

  private final Duration length;

  ReportPeriod(Duration length) {
    this.length = length;
  }

  /** How far back the report looks. */
  public Duration length() {
    return length;
  }

  /**
   * Parses {@code daily}, {@code weekly} or {@code monthly}, case-insensitively.
   *
   * @throws NxsException naming the bad value
   */
  public static ReportPeriod parse(String text) {
    for (ReportPeriod p : values()) {
      if (p.name().equalsIgnoreCase(text)) {
        return p;
      }
    }
    throw new NxsException(
        "report period must be daily, weekly or monthly, but was '" + text + "'");
  }

  /** The lower-case name. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
