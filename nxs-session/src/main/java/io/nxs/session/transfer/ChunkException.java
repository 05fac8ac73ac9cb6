package io.nxs.session.transfer;

import io.nxs.session.SessionException;

/** A chunk that cannot be accepted: cut short, damaged, or sealed with another key. */
public final class ChunkException extends SessionException {

  /** What is wrong with the chunk. */
  public enum Kind {
    /** Fewer bytes than its header announces. */
    TRUNCATED,
    /** Its content does not match its SHA-256. */
    CHECKSUM,
    /** Not a chunk of this format at all. */
    FORMAT,
    /** Encrypted, and no key or the wrong key was given. */
    KEY
  }

  private final Kind kind;

  public ChunkException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ChunkException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
