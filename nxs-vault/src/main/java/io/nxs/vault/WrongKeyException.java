package io.nxs.vault;

import java.nio.file.Path;

/** The vault key does not open a repository: it was written with another key. */
public final class WrongKeyException extends VaultException {

  public WrongKeyException(String target, Path keyFile) {
    super(
        "the vault key " + keyFile + " does not open the repository at " + target
            + ": it was written with another key; put the original vault.key back"
            + " (nothing was restored or changed)");
  }
}
