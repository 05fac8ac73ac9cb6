package io.nxs.audit;

import io.nxs.core.NxsException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A filter over audit entries, as {@code nxs audit query --since 24h --type 'security.*' --actor A}
 * and {@code GET /api/v1/audit} take it (SPEC AU4).
 *
 * <p>Build one with {@link #parse}; every part is optional. A relative {@code since} ({@code 24h})
 * is resolved against the log's clock when the query runs.
 *
 * @param window entries newer than now minus this, or null
 * @param from entries at or after this instant, or null (ignored when {@code window} is set)
 * @param typeGlob event type pattern where {@code *} matches any characters, or null for all
 * @param actor exact actor, or null for all
 * @param limit at most this many entries (the newest ones), in [1, 10000]; default 1000
 */
public record AuditQuery(Duration window, Instant from, String typeGlob, String actor, int limit) {

  /** Default number of entries returned. */
  public static final int DEFAULT_LIMIT = 1000;

  /** Largest accepted limit. */
  public static final int MAX_LIMIT = 10_000;

  private static final Pattern RELATIVE = Pattern.compile("(\\d{1,7})(s|m|h|d|w)");
  private static final Pattern GLOB = Pattern.compile("[a-z0-9_.*]{1,100}");
  private static final Instant EARLIEST = Instant.EPOCH;
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
  private static final Duration LONGEST = Duration.ofDays(100L * 365);

  public AuditQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new NxsException("limit must be in [1, " + MAX_LIMIT + "], but was " + limit);
    }
  }

  /** Every entry (up to the default limit). */
  public static AuditQuery all() {
    return new AuditQuery(null, null, null, null, DEFAULT_LIMIT);
  }

  /**
   * Parses the CLI/HTTP form of a query; null or blank parts mean "any".
   *
   * @param since {@code 30m}, {@code 24h}, {@code 7d}, {@code 2w}, an ISO instant ({@code
   *     2026-11-01T00:00:00Z}) or an ISO date ({@code 2026-11-01}, midnight UTC)
   * @param typeGlob lower-case event type, {@code *} as wildcard, e.g. {@code security.*}
   * @param actor exact actor name, at most 200 printable characters
   * @throws NxsException with one line quoting the bad value
   */
  public static AuditQuery parse(String since, String typeGlob, String actor) {
    Duration window = null;
    Instant from = null;
    if (since != null && !since.isBlank()) {
      String s = since.strip();
      Matcher m = RELATIVE.matcher(s.toLowerCase(Locale.ROOT));
      if (m.matches()) {
        window = relative(Long.parseLong(m.group(1)), m.group(2), since);
      } else {
        from = absolute(s, since);
      }
    }
    String glob = null;
    if (typeGlob != null && !typeGlob.isBlank()) {
      glob = typeGlob.strip();
      if (!GLOB.matcher(glob).matches()) {
        throw new NxsException(
            "type must be a lower-case event type with * as wildcard, like 'security.*', but was '"
                + quote(typeGlob)
                + "'");
      }
    }
    String who = null;
    if (actor != null && !actor.isBlank()) {
      who = actor.strip();
      if (who.length() > 200 || who.codePoints().anyMatch(AuditQuery::unprintable)) {
        throw new NxsException(
            "actor must be at most 200 printable characters, but was '" + quote(actor) + "'");
      }
    }
    return new AuditQuery(window, from, glob, who, DEFAULT_LIMIT);
  }

  /**
   * Parses a limit given as text.
   *
   * @throws NxsException when it is not a number in [1, 10000]
   */
  public AuditQuery withLimit(String text) {
    if (text == null || text.isBlank()) {
      return this;
    }
    try {
      return withLimit(Integer.parseInt(text.strip()));
    } catch (NumberFormatException e) {
      throw new NxsException(
          "limit must be a number in [1, " + MAX_LIMIT + "], but was '" + quote(text) + "'");
    }
  }

  /** This query with another limit. */
  public AuditQuery withLimit(int newLimit) {
    return new AuditQuery(window, from, typeGlob, actor, newLimit);
  }

  /** The earliest timestamp (epoch millis) this query accepts, given the current time. */
  public long sinceMillis(Clock clock) {
    if (window != null) {
      Instant now = clock.instant();
      Instant start = now.isBefore(EARLIEST.plus(window)) ? EARLIEST : now.minus(window);
      return start.toEpochMilli();
    }
    return from == null ? Long.MIN_VALUE : from.toEpochMilli();
  }

  private static Duration relative(long amount, String unit, String original) {
    Duration d =
        switch (unit) {
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          case "d" -> Duration.ofDays(amount);
          default -> Duration.ofDays(amount * 7);
        };
    if (d.compareTo(LONGEST) > 0) {
      throw new NxsException(
          "since must be at most 36500d back, but was '" + quote(original) + "'");
    }
    return d;
  }

  private static Instant absolute(String text, String original) {
    Instant at;
    try {
      at =
          text.length() == 10
              ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
              : Instant.parse(text);
    } catch (DateTimeException e) {
      throw new NxsException(
          "since must be like 30m, 24h, 7d or an ISO time like 2026-11-01T00:00:00Z, but was '"
              + quote(original)
              + "'");
    }
    if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
      throw new NxsException(
          "since must be between 1970 and 9999, but was '" + quote(original) + "'");
    }
    return at;
  }

  private static boolean unprintable(int cp) {
    int type = Character.getType(cp);
    return Character.isISOControl(cp)
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  /** The value as it may appear in a one-line message: control characters escaped, cut at 80. */
  private static String quote(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .limit(80)
        .forEach(
            cp -> {
              if (unprintable(cp)) {
                out.append(String.format(java.util.Locale.ROOT, "\\u%04x", cp));
              } else {
                out.appendCodePoint(cp);
              }
            });
    return text.codePointCount(0, text.length()) > 80 ? out + "..." : out.toString();
  }
}
