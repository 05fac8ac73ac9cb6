package io.nxs.sync.internal;

import io.nxs.core.state.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * This instance's name in sync commits and conflict copies when {@code sync.node} is not set: the
 * host name and a random suffix, made once and kept in {@code <home>/sync/node}, so two NXS homes
 * on one host are still two nodes.
 */
public final class NodeIdentity {

  private NodeIdentity() {}

  /** The host name of this machine, without a DNS lookup. */
  public static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.strip();
    }
    try {
      String file = Files.readString(Path.of("/etc/hostname"), StandardCharsets.UTF_8).strip();
      return file.isEmpty() ? "unknown" : file;
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Reads the kept name, or makes and keeps one. */
  public static String loadOrCreate(Path file) throws IOException {
    try {
      String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (!kept.isEmpty()) {
        return kept;
      }
    } catch (NoSuchFileException expected) {
      // First start: make one below.
    }
    String host = hostName().replaceAll("[^A-Za-z0-9_-]", "-");
    if (host.length() > 40) {
      host = host.substring(0, 40);
    }
    byte[] random = new byte[3];
    new SecureRandom().nextBytes(random);
    String name = host + "-" + HexFormat.of().formatHex(random);
    SecureFiles.ensureDirectory(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".new");
    Files.writeString(tmp, name + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return name;
  }
}
