package io.nxs.doctor.rule;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An alert message template, rendered by mustache.java: {@code {{disk.usage_percent}}} reads the
 * metric, {@code {{disk.mount}}} the series' {@code mount} label (labels are offered under each
 * metric's first name part and bare). Numbers print with at most one decimal; nothing is
 * HTML-escaped.
 */
public final class MessageTemplate {

  private static final DefaultMustacheFactory FACTORY =
      new DefaultMustacheFactory() {
        @Override
        public void encode(String value, Writer writer) {
          try {
            writer.write(value);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private final String source;
  private final Mustache mustache;

  private MessageTemplate(String source, Mustache mustache) {
    this.source = source;
    this.mustache = mustache;
  }

  /**
   * Compiles a template.
   *
   * @throws IllegalArgumentException when the template is malformed
   */
  public static MessageTemplate compile(String name, String source) {
    try {
      return new MessageTemplate(source, FACTORY.compile(new StringReader(source), name));
    } catch (MustacheException e) {
      throw new IllegalArgumentException(
          "bad message template '" + source + "': " + e.getMessage());
    }
  }

  /** Renders with metric values and series labels. */
  public String render(Map<String, Double> metrics, Map<String, String> labels) {
    Map<String, Object> scope = new LinkedHashMap<>();
    metrics.forEach((name, value) -> put(scope, name, format(value)));
    for (String metric : metrics.keySet()) {
      int dot = metric.indexOf('.');
      if (dot > 0) {
        labels.forEach((k, v) -> put(scope, metric.substring(0, dot) + "." + k, v));
      }
    }
    labels.forEach(scope::putIfAbsent);
    StringWriter out = new StringWriter();
    mustache.execute(out, scope);
    return out.toString();
  }

  public String source() {
    return source;
  }

  /** Puts a dotted name into nested maps, as mustache resolves dotted names step by step. */
  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> scope, String dotted, Object value) {
    String[] parts = dotted.split("\\.");
    Map<String, Object> cur = scope;
    for (int i = 0; i < parts.length - 1; i++) {
      Object next = cur.get(parts[i]);
      if (!(next instanceof Map)) {
        if (next != null) {
          return;
        }
        next = new LinkedHashMap<String, Object>();
        cur.put(parts[i], next);
      }
      cur = (Map<String, Object>) next;
    }
    cur.putIfAbsent(parts[parts.length - 1], value);
  }

  /** 98.0 prints 98, 97.54 prints 97.5. */
  public static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(java.util.Locale.ROOT, "%.1f", v);
  }
}
