package io.nxs.core.log;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Removes secrets from text bound for logs and error bodies.
 *
 * <p>Two nets: the exact values NXS knows to be secret (API keys it minted or loaded, provider
 * credentials) are registered here and replaced wherever they appear; and patterns catch the shapes
 * secrets usually have (bearer tokens, {@code nxs_} and {@code sk-} keys, {@code api_key=...}
 * pairs) even when nobody registered them.
 */
public final class Redaction {

  /** What a secret is replaced with. */
  public static final String MASK = "[REDACTED]";

  private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();

  private static final Pattern SHAPES =
      Pattern.compile(
          "(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]{8,}"
              + "|\\bnxs_[A-Za-z0-9_-]{16,}"
              + "|\\bsk-[A-Za-z0-9_-]{16,}"
              + "|((?:api[_-]?key|password|passphrase|secret|token)[\"']?\\s*[:=]\\s*[\"']?)"
              + "[^\\s\"',;}]{4,}");

  private Redaction() {}

  /** Registers a value that must never be printed; blank and very short values are ignored. */
  public static void register(String secret) {
    if (secret != null && secret.length() >= 6) {
      KNOWN.add(secret);
    }
  }

  /** Forgets a value, e.g. a retired credential. */
  public static void forget(String secret) {
    if (secret != null) {
      KNOWN.remove(secret);
    }
  }

  /** The text with every known secret and secret-shaped token replaced by {@link #MASK}. */
  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String secret : KNOWN) {
      if (out.contains(secret)) {
        out = out.replace(secret, MASK);
      }
    }
    return SHAPES
        .matcher(out)
        .replaceAll(
            m -> {
              String prefix =
                  m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : "";
              return java.util.regex.Matcher.quoteReplacement(prefix + MASK);
            });
  }
}
