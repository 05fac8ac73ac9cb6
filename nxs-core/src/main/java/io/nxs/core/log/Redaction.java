package io.nxs.core.log;

import java.util.Locale;
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

  /**
   * Values shorter than this are not secrets worth the name, and masking them would mask ordinary
   * words and numbers everywhere they appear.
   */
  public static final int MIN_SECRET_LENGTH = 8;

  /**
   * Well-known placeholder keys that local servers and examples use where a key is required but not
   * checked (Ollama's {@code ollama}, LM Studio's {@code lm-studio}, llama.cpp's {@code
   * sk-no-key-required}, vLLM's {@code EMPTY} ...). They are in every tutorial, so masking them
   * protects nothing and hides provider names such as {@code ollama-local}.
   */
  private static final Set<String> PLACEHOLDERS =
      Set.of(
          "ollama",
          "lm-studio",
          "lmstudio",
          "sk-no-key-required",
          "no-key-required",
          "no-key",
          "nokey",
          "none",
          "empty",
          "null",
          "dummy",
          "placeholder",
          "changeme",
          "not-needed",
          "not-used",
          "unused",
          "anything",
          "sk-xxx",
          "sk-dummy",
          "sk-placeholder",
          "your-api-key",
          "your_api_key",
          "api-key",
          "api_key",
          "apikey",
          "test",
          "local",
          "localai",
          "llamacpp",
          "llama.cpp",
          "koboldcpp",
          "vllm",
          "jan",
          "gpt4all");

  /**
   * Registers a value that must never be printed. Blank values, values shorter than {@link
   * #MIN_SECRET_LENGTH} and well-known placeholders ({@link #isPlaceholder}) are not secrets and
   * are not registered.
   */
  public static void register(String secret) {
    if (secret != null && secret.length() >= MIN_SECRET_LENGTH && !isPlaceholder(secret)) {
      KNOWN.add(secret);
    }
  }

  /**
   * Whether a value is a well-known placeholder key (case and surrounding space ignored), such as
   * {@code ollama}, {@code lm-studio}, {@code sk-no-key-required} or {@code EMPTY}.
   */
  public static boolean isPlaceholder(String value) {
    return value != null && PLACEHOLDERS.contains(value.strip().toLowerCase(Locale.ROOT));
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
