package io.nxs.sync.internal;

import java.io.IOException;

/** The remote could not be reached, is not a git repository, or refused a push. */
public final class RemoteException extends IOException {

  public RemoteException(String message, Throwable cause) {
    super(message, cause);
  }
}
