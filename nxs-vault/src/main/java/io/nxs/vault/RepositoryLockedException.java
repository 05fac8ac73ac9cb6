package io.nxs.vault;

/** Another operation holds a conflicting repository lock; the message names it and its expiry. */
public final class RepositoryLockedException extends VaultException {

  public RepositoryLockedException(String message) {
    super(message);
  }
}
