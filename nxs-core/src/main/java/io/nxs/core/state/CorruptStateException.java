package io.nxs.core.state;

import io.nxs.core.NxsException;
import java.nio.file.Path;

/** The state database failed its integrity check; NXS stops rather than make it worse. */
public final class CorruptStateException extends NxsException {

  private final Path file;

  public CorruptStateException(Path file, String finding) {
    super(
        "state database "
            + file
            + " is corrupt ("
            + finding
            + "): stop NXS, move the file aside and restore it from the latest backup"
            + " (nxs backup restore), then start again");
    this.file = file;
  }

  /** The database file that failed. */
  public Path file() {
    return file;
  }
}
