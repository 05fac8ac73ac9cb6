package io.nxs.session.migrate;

import io.nxs.session.SessionException;

/**
 * The target answered, and refused: a wrong key, a version it cannot take, no room, a bad chunk.
 * Unlike a peer that does not answer, sending the same again does not help — except for a damaged
 * chunk ({@link #retryable()}).
 */
public final class PeerException extends SessionException {

  private final int status;
  private final String code;

  public PeerException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** A chunk the target found damaged (checksum, truncation) may be sent again. */
  public boolean retryable() {
    return "chunk_checksum".equals(code) || "chunk_truncated".equals(code);
  }
}
