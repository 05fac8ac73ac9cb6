package io.nxs.core.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number of bytes written the way operators write them: {@code 512MB}, {@code 1.5 GiB}, {@code
 * 4096}.
 *
 * <p>Decimal units (KB, MB, GB, TB) are powers of 1000, binary ones (KiB, MiB, GiB, TiB) powers of
 * 1024, as the units themselves say.
 */
public record ByteSize(long bytes) {

  private static final Pattern FORMAT =
      Pattern.compile("(?i)\\s*(\\d+(?:\\.\\d+)?)\\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)?\\s*");

  public ByteSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("a size cannot be negative, but was " + bytes);
    }
  }

  /**
   * Parses a size.
   *
   * @throws IllegalArgumentException quoting the text when it is not a size
   */
  public static ByteSize parse(String text) {
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected a size such as 512MB or 2GiB, but was '" + text + "'");
    }
    double number = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    double factor =
        switch (unit) {
          case "kb" -> 1e3;
          case "mb" -> 1e6;
          case "gb" -> 1e9;
          case "tb" -> 1e12;
          case "kib" -> 1024d;
          case "mib" -> 1024d * 1024;
          case "gib" -> 1024d * 1024 * 1024;
          case "tib" -> 1024d * 1024 * 1024 * 1024;
          default -> 1;
        };
    return new ByteSize(Math.round(number * factor));
  }
}
