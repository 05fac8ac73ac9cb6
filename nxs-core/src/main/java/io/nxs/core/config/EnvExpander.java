package io.nxs.core.config;

import java.util.Map;
import java.util.Objects;

/**
 * Expands {@code ${NAME}} and {@code ${NAME:-default}} in configuration values.
 *
 * <p>{@code $${} writes a literal {@code ${}. A reference to an unset variable without a default
 * is an error, so a missing secret is found at load time rather than as a 401 at 3 a.m.
 */
public final class EnvExpander {

  private final Map<String, String> env;
  private final boolean enabled;

  /**
   * @param env the variables to expand from, usually {@code System.getenv()}
   */
  public EnvExpander(Map<String, String> env) {
    this(env, true);
  }

  private EnvExpander(Map<String, String> env, boolean enabled) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    this.enabled = enabled;
  }

  /** An expander that leaves every value as it is (for secrets, which are literal). */
  public static EnvExpander none() {
    return new EnvExpander(Map.of(), false);
  }

  /**
   * Expands every reference in {@code text}.
   *
   * @throws IllegalArgumentException naming the variable when one is unset and has no default, or
   *     when a reference is not closed
   */
  public String expand(String text) {
    if (!enabled || text.indexOf('$') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '$' && text.startsWith("$${", i)) {
        out.append("${");
        i += 3;
      } else if (c == '$' && text.startsWith("${", i)) {
        int end = text.indexOf('}', i + 2);
        if (end < 0) {
          throw new IllegalArgumentException("unclosed '${' in '" + text + "'");
        }
        out.append(resolve(text.substring(i + 2, end)));
        i = end + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private String resolve(String reference) {
    int sep = reference.indexOf(":-");
    String name = sep < 0 ? reference : reference.substring(0, sep);
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException(
          "'${" + reference + "}' does not name an environment variable");
    }
    String value = env.get(name);
    if (value != null && !value.isEmpty()) {
      return value;
    }
    if (sep >= 0) {
      return reference.substring(sep + 2);
    }
    throw new IllegalArgumentException(
        "environment variable "
            + name
            + " is not set: export it, or write ${"
            + name
            + ":-default}");
  }
}
