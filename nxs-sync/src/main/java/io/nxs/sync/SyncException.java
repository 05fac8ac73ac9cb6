package io.nxs.sync;

import io.nxs.core.NxsException;

/** A sync that could not run or complete; the message says why and what to do. */
public class SyncException extends NxsException {

  public SyncException(String message) {
    super(message);
  }

  public SyncException(String message, Throwable cause) {
    super(message, cause);
  }
}
