package io.nxs.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the seeds write them: {@code 500ms}, {@code 60s}, {@code 5m}, {@code 24h}, {@code
 * 7d}, or a bare number of seconds ({@code timeout: 30}).
 */
public final class Durations {

  private static final Pattern FORMAT =
      Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d|w)?\\s*", Pattern.CASE_INSENSITIVE);

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException quoting the text when it is not a duration
   */
  public static Duration parse(String text) {
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected a duration such as 500ms, 60s, 5m, 24h or 7d, but was '" + text + "'");
    }
    double number = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
    double millis =
        switch (unit) {
          case "ms" -> number;
          case "m" -> number * 60_000;
          case "h" -> number * 3_600_000;
          case "d" -> number * 86_400_000;
          case "w" -> number * 7 * 86_400_000;
          default -> number * 1000;
        };
    return Duration.ofMillis(Math.round(millis));
  }

  /** Writes a duration in the largest unit that divides it: {@code 90s}, {@code 5m}, {@code 7d}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    long[] sizes = {86_400_000, 3_600_000, 60_000, 1000};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms % sizes[i] == 0) {
        return ms / sizes[i] + units[i];
      }
    }
    return ms + "ms";
  }
}
