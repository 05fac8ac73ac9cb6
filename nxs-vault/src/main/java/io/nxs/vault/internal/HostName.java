package io.nxs.vault.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** This machine's name, without a DNS lookup (which can take seconds on a badly set-up host). */
public final class HostName {

  private static final String NAME = read();

  private HostName() {}

  public static String get() {
    return NAME;
  }

  private static String read() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.strip();
    }
    try {
      String file = Files.readString(Path.of("/etc/hostname"), StandardCharsets.UTF_8).strip();
      return file.isEmpty() ? "unknown" : file;
    } catch (IOException e) {
      org.slf4j.LoggerFactory.getLogger(HostName.class)
          .debug("no host name in /etc/hostname: {}", e.getMessage());
      return "unknown";
    }
  }
}
