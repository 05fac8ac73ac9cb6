package io.nxs.vault;

import io.nxs.core.NxsException;

/** Something the vault could not do; the message says what and what to do about it. */
public class VaultException extends NxsException {

  public VaultException(String message) {
    super(message);
  }

  public VaultException(String message, Throwable cause) {
    super(message, cause);
  }
}
