package io.nxs.vault;

/** No snapshot matches what was asked for. */
public final class SnapshotNotFoundException extends VaultException {

  public SnapshotNotFoundException(String message) {
    super(message);
  }
}
