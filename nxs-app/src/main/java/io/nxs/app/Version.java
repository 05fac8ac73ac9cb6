package io.nxs.app;

/** The build's version, from the jar's manifest. */
public final class Version {

  private Version() {}

  /** The version, or {@code dev} when running from classes rather than the jar. */
  public static String current() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
