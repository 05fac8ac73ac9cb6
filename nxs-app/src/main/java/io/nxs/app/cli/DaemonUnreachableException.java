package io.nxs.app.cli;

import io.nxs.core.NxsException;

/** The daemon did not answer (exit code 3). */
public final class DaemonUnreachableException extends NxsException {

  public DaemonUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
