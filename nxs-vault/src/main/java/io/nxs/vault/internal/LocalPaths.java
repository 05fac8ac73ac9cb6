package io.nxs.vault.internal;

import io.nxs.core.state.SecureFiles;
import io.nxs.vault.VaultException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The vault's few rules for local paths: configured paths, scratch trees, empty directories. */
public final class LocalPaths {

  private LocalPaths() {}

  /** A configured path: {@code ~} is the user's home, relative paths are under the NXS home. */
  public static Path resolve(Path home, String path) {
    String expanded =
        path.startsWith("~/") || path.equals("~")
            ? System.getProperty("user.home") + path.substring(1)
            : path;
    return home.resolve(expanded).normalize();
  }

  /**
   * Removes a scratch tree (staging, a drill's restore, a temporary restore) if it exists.
   *
   * @throws VaultException when it cannot be removed
   */
  public static void deleteTree(Path dir) {
    try {
      SecureFiles.deleteTree(dir);
    } catch (IOException e) {
      throw new VaultException("cannot remove " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether a path is a directory (not a link to one) with nothing in it.
   *
   * @throws IOException when it cannot be listed
   */
  public static boolean isEmptyDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.findAny().isEmpty();
    }
  }
}
