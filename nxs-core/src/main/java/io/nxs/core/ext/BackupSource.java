package io.nxs.core.ext;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Data a module wants in every backup, e.g. its part of the state. The vault calls {@link
 * #exportTo} with an empty staging directory and backs up what appears there.
 */
public interface BackupSource {

  /** Unique name, also the folder name inside a snapshot, e.g. {@code state}. */
  String name();

  /** Writes a consistent copy of the data into {@code stagingDir}. */
  void exportTo(Path stagingDir) throws IOException;
}
