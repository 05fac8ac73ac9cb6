package io.nxs.app;

import java.nio.file.Path;
import java.util.List;

/**
 * The command that runs this very build's CLI: this JVM's java and class path, the flags {@code
 * ./nxs} gives the daemon, and the main class. Drills start their scratch daemons with it.
 */
public final class ThisBuild {

  /** The CLI's main class ({@code io.nxs.app.cli.Main}), named so this package needs not see it. */
  static final String MAIN_CLASS = "io.nxs.app.cli.Main";

  private ThisBuild() {}

  /** java, its flags, {@code -cp} this class path, the main class; the CLI's arguments follow. */
  public static List<String> command() {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseSerialGC",
        "-Xmx512m",
        "-cp",
        System.getProperty("java.class.path"),
        MAIN_CLASS);
  }
}
