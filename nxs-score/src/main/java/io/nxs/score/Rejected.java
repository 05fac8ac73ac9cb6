package io.nxs.score;

import io.nxs.core.NxsException;

/**
 * Input that cannot be scored because of what it is, not because a scorer failed: empty, corrupt,
 * truncated, too large, an unknown format or codec, or a name that lies about its content.
 */
public final class Rejected extends NxsException {

  private final String code;

  /**
   * @param code a short reason label for metrics, e.g. {@code truncated}
   * @param message one line for the person who sent the file
   */
  public Rejected(String code, String message) {
    super(message);
    this.code = code;
  }

  /**
   * The reason label: one of {@code empty}, {@code too_large}, {@code too_long}, {@code corrupt},
   * {@code truncated}, {@code unknown_format}, {@code unsupported_codec}, {@code wrong_extension}.
   */
  public String code() {
    return code;
  }
}
