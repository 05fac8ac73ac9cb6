package io.nxs.sync.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code append} merge of a markdown log such as {@code DECISION-LOG.md}: both sides' new
 * entries kept, each once, in time order.
 *
 * <p><b>What an entry is.</b> A file is a preamble (everything before the first entry) and a list
 * of entries. An entry starts at a line that is, outside a fenced code block, either an ATX heading
 * ({@code #} to {@code ######} and a space) or a top-level list item ({@code -}, {@code *}, {@code
 * +} or {@code 1.} at the start of the line, then a space), and runs to the next such line. Its
 * time is the first date ({@code 2026-12-06}, optionally with {@code 14:03[:05]} after a space or
 * {@code T}, read as UTC) on its first line; an entry without one takes the time of the entry
 * before it in its file, so items under a dated heading stay under it. Two entries are the same
 * entry when their lines are equal ignoring trailing whitespace.
 *
 * <p><b>The merge</b> is three-way per entry, counting equal entries: an entry either side added is
 * added once (both adding the same entry keeps one), an entry either side removed is removed, the
 * rest stays. The result is the local file's entries in their order with the remote's new entries
 * placed by a stable sort on time (entries without any date keep their order, the remote's after
 * the local's). The preamble is the local one unless only the remote changed it.
 */
public final class MarkdownEntries {

  private static final Pattern ENTRY_START =
      Pattern.compile("^(#{1,6}[ \\t]|[-*+][ \\t]|\\d{1,9}[.)][ \\t]).*");
  private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~).*");
  private static final Pattern DATE =
      Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})(?:[T ](\\d{2}):(\\d{2})(?::(\\d{2}))?)?");

  private MarkdownEntries() {}

  /** A parsed file: its preamble and its entries in order. */
  record Parsed(String preamble, List<Entry> entries) {}

  /**
   * One entry.
   *
   * @param text its lines, each ending in a newline
   * @param key the text without trailing whitespace on each line, for equality
   * @param time epoch seconds of its own or inherited date, {@link Long#MIN_VALUE} when none
   */
  record Entry(String text, String key, long time) {}

  /**
   * Merges two versions of a log against their common base.
   *
   * @param base the version both sides started from; empty when the file is new on both
   * @return the merged file, or empty when a side is not UTF-8 text (the caller then falls back to
   *     last-write-wins)
   */
  public static Optional<byte[]> merge(byte[] base, byte[] local, byte[] remote) {
    Optional<String> b = utf8(base);
    Optional<String> l = utf8(local);
    Optional<String> r = utf8(remote);
    if (b.isEmpty() || l.isEmpty() || r.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(merge(b.get(), l.get(), r.get()).getBytes(StandardCharsets.UTF_8));
  }

  static String merge(String base, String local, String remote) {
    Parsed pb = parse(base);
    Parsed pl = parse(local);
    Parsed pr = parse(remote);
    Map<String, Integer> cb = counts(pb.entries());
    Map<String, Integer> cl = counts(pl.entries());
    Map<String, Integer> cr = counts(pr.entries());

    Map<String, Integer> wanted = new HashMap<>();
    for (String key : union(cb, cl, cr)) {
      int b = cb.getOrDefault(key, 0);
      int dl = cl.getOrDefault(key, 0) - b;
      int dr = cr.getOrDefault(key, 0) - b;
      int added = Math.max(0, Math.max(dl, dr));
      int removed = Math.max(0, Math.max(-dl, -dr));
      wanted.put(key, Math.max(0, b + added - removed));
    }

    // The local entries in their order, as many of each as wanted; then the remote's extra ones.
    List<Entry> result = new ArrayList<>();
    Map<String, Integer> taken = new HashMap<>();
    for (Entry e : pl.entries()) {
      if (taken.getOrDefault(e.key(), 0) < wanted.get(e.key())) {
        taken.merge(e.key(), 1, Integer::sum);
        result.add(e);
      }
    }
    for (Entry e : pr.entries()) {
      if (taken.getOrDefault(e.key(), 0) < wanted.get(e.key())) {
        taken.merge(e.key(), 1, Integer::sum);
        result.add(e);
      }
    }
    result.sort(Comparator.comparingLong(Entry::time)); // stable: ties keep local, then remote

    String preamble =
        pl.preamble().equals(pb.preamble()) && !pr.preamble().equals(pb.preamble())
            ? pr.preamble()
            : pl.preamble();
    StringBuilder out = new StringBuilder(preamble);
    for (Entry e : result) {
      if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') {
        out.append('\n');
      }
      out.append(e.text());
    }
    return out.toString();
  }

  /** Splits a file into its preamble and entries. */
  static Parsed parse(String text) {
    List<Entry> entries = new ArrayList<>();
    StringBuilder preamble = new StringBuilder();
    StringBuilder current = null;
    boolean fenced = false;
    long lastTime = Long.MIN_VALUE;
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl + 1;
      String line = text.substring(start, end);
      start = end;
      String bare = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
      if (!fenced && ENTRY_START.matcher(bare).matches()) {
        if (current != null) {
          entries.add(entry(current.toString(), lastTime));
          lastTime = entries.getLast().time();
        }
        current = new StringBuilder();
      }
      if (FENCE.matcher(bare).matches()) {
        fenced = !fenced;
      }
      (current == null ? preamble : current).append(line);
    }
    if (current != null) {
      entries.add(entry(current.toString(), lastTime));
    }
    return new Parsed(preamble.toString(), entries);
  }

  private static Entry entry(String text, long inherited) {
    int nl = text.indexOf('\n');
    String first = nl < 0 ? text : text.substring(0, nl);
    long time = timeOf(first).orElse(inherited);
    String body = text.endsWith("\n") ? text : text + "\n";
    return new Entry(body, key(body), time);
  }

  private static String key(String text) {
    StringBuilder k = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      k.append(line.stripTrailing()).append('\n');
    }
    // Trailing blank lines do not make a different entry.
    int end = k.length();
    while (end > 0 && k.charAt(end - 1) == '\n') {
      end--;
    }
    return k.substring(0, end);
  }

  static Optional<Long> timeOf(String line) {
    Matcher m = DATE.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    try {
      LocalDate day =
          LocalDate.of(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)));
      LocalDateTime at =
          m.group(4) == null
              ? day.atStartOfDay()
              : day.atTime(
                  Integer.parseInt(m.group(4)),
                  Integer.parseInt(m.group(5)),
                  m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
      return Optional.of(at.toEpochSecond(ZoneOffset.UTC));
    } catch (java.time.DateTimeException e) {
      return Optional.empty(); // 2026-13-45 is not a date: the entry has no time of its own
    }
  }

  private static Map<String, Integer> counts(List<Entry> entries) {
    Map<String, Integer> counts = new HashMap<>();
    for (Entry e : entries) {
      counts.merge(e.key(), 1, Integer::sum);
    }
    return counts;
  }

  @SafeVarargs
  private static java.util.Set<String> union(Map<String, Integer>... maps) {
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (Map<String, Integer> m : maps) {
      keys.addAll(m.keySet());
    }
    return keys;
  }

  private static Optional<String> utf8(byte[] bytes) {
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
