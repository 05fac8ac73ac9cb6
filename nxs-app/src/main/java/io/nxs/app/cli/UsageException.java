package io.nxs.app.cli;

import io.nxs.core.NxsException;

/** The command was used wrongly (exit code 2). */
public final class UsageException extends NxsException {

  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
