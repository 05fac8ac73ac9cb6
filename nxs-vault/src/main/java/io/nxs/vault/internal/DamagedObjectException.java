package io.nxs.vault.internal;

import io.nxs.vault.VaultException;

/** An object of the repository failed to open: changed, truncated, renamed or another key's. */
public final class DamagedObjectException extends VaultException {

  private final String object;

  public DamagedObjectException(String object, String finding) {
    super(object + ": " + finding);
    this.object = object;
  }

  /** The object's name in the repository. */
  public String object() {
    return object;
  }
}
