package io.nxs.app.cli;

import io.nxs.app.Version;
import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest, or {@code dev} when run from classes. */
public final class VersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    return new String[] {"nxs " + Version.current(), "java " + Runtime.version()};
  }
}
