package io.nxs.vault;

import java.nio.file.Path;

/** The vault key does not open a repository: it was written with another key. */
public final class WrongKeyException extends VaultException {

  public WrongKeyException(String target, Path keyFile) {
    super(
        "the vault key "
            + keyFile
            + " does not open the repository at "
            + target
            + ": it was written with another key; put the original vault.key back"
            + " (nothing was restored or changed)");
  }

  /** A key from another source than a file (a passphrase). */
  public WrongKeyException(String target, String keySource) {
    super(
        keySource
            + " does not open the repository at "
            + target
            + ": it was written with another passphrase or key; give the original one"
            + " (nothing was restored or changed)");
  }
}
