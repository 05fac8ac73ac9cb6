package io.nxs.core.config;

import io.nxs.core.NxsException;

/**
 * A configuration file that cannot be used, with where and why.
 *
 * <p>The message reads {@code nxs.yaml:12:9: server.port: expected an integer, but was 'abc'}: the
 * file, line and column of the bad value, the dotted key, and the reason.
 */
public final class ConfigException extends NxsException {

  private final String source;
  private final int line;
  private final int column;
  private final String key;
  private final String reason;

  public ConfigException(String source, int line, int column, String key, String reason) {
    this(source, line, column, key, reason, null);
  }

  /** The same, keeping the exception that revealed the problem as the cause. */
  public ConfigException(
      String source, int line, int column, String key, String reason, Throwable cause) {
    super(format(source, line, column, key, reason), cause);
    this.source = source;
    this.line = line;
    this.column = column;
    this.key = key;
    this.reason = reason;
  }

  private static String format(String source, int line, int column, String key, String reason) {
    StringBuilder sb = new StringBuilder(source);
    if (line > 0) {
      sb.append(':').append(line).append(':').append(column);
    }
    sb.append(": ");
    if (key != null && !key.isEmpty()) {
      sb.append(key).append(": ");
    }
    return sb.append(reason).toString();
  }

  /** The file name (or other source name) the bad value came from. */
  public String source() {
    return source;
  }

  /** 1-based line of the bad value, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** 1-based column of the bad value, or 0 when unknown. */
  public int column() {
    return column;
  }

  /** The dotted key of the bad value, e.g. {@code server.port}; empty for the whole file. */
  public String key() {
    return key;
  }

  /** Why the value is bad, without the location. */
  public String reason() {
    return reason;
  }
}
