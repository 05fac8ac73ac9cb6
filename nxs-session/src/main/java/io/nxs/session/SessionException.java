package io.nxs.session;

import io.nxs.core.NxsException;

/** A session operation that cannot go on; the message says what is wrong and what to do. */
public class SessionException extends NxsException {

  public SessionException(String message) {
    super(message);
  }

  public SessionException(String message, Throwable cause) {
    super(message, cause);
  }
}
