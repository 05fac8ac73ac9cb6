package io.nxs.core.state;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * sqlite-jdbc's native library from a private cache, extracted once per sqlite-jdbc version: left
 * to itself the driver copies the 1 MB library out of the jar into {@code java.io.tmpdir} at every
 * start of every process, compares the copy byte by byte and asks {@code uname} which platform it
 * runs on (a child process); that was most of the state store's opening on a daemon restart
 * (bench/results/2026-12-07-start-2.md). Here a start that finds the cached copy only checks its
 * CRC-32 (kept in its file name) and points the driver at it ({@code org.sqlite.lib.path} and
 * {@code org.sqlite.lib.name}, the driver's own settings). Anything unusual (no writable cache, a
 * copy that does not match, a driver setting already given) leaves the driver to do as before; a
 * cached copy it cannot load makes it fall back to extracting one itself.
 */
final class SqliteLibrary {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteLibrary.class);
  private static final String PATH = "org.sqlite.lib.path";
  private static final String NAME = "org.sqlite.lib.name";
  private static final Pattern CACHED = Pattern.compile("libsqlitejdbc-([0-9a-f]{8})\\.so");

  private static boolean settled;

  private SqliteLibrary() {}

  /**
   * Points sqlite-jdbc at the cached copy under {@code ~/.cache/nxs/native}, making it when
   * missing; once per process, before the first connection.
   */
  static synchronized void useCache() {
    if (settled) {
      return;
    }
    settled = true;
    String home = System.getProperty("user.home", "");
    if (!home.isEmpty()) {
      useCache(Path.of(home, ".cache", "nxs", "native"));
    }
  }

  /** As {@link #useCache()}, with the cache under {@code root}; whether the driver now uses it. */
  static boolean useCache(Path root) {
    if (System.getProperty(PATH) != null || !"Linux".equals(System.getProperty("os.name"))) {
      return false;
    }
    try {
      Path dir =
          root.resolve(
              "sqlite-jdbc-" + SQLiteJDBCLoader.getVersion() + "-" + System.getProperty("os.arch"));
      Path library = cached(dir).orElse(null);
      if (library == null) {
        library = extract(root, dir);
      }
      System.setProperty(PATH, dir.toString());
      System.setProperty(NAME, library.getFileName().toString());
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.debug("sqlite-jdbc extracts its native library itself: no usable cache in {}", root, e);
      return false;
    }
  }

  /** The copy in {@code dir} whose content matches the CRC-32 in its name; empty when none. */
  private static Optional<Path> cached(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "libsqlitejdbc-*.so")) {
      for (Path file : files) {
        Matcher m = CACHED.matcher(file.getFileName().toString());
        if (m.matches() && crc32(Files.readAllBytes(file)).equals(m.group(1))) {
          return Optional.of(file);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Copies the driver's library for this platform out of the jar into {@code dir} (through a
   * temporary file, so a concurrent start never loads half a copy); the copies of other versions
   * under {@code root} go.
   */
  private static Path extract(Path root, Path dir) throws IOException {
    byte[] bytes;
    String resource =
        LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
    try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no native library " + resource + " in sqlite-jdbc");
      }
      bytes = in.readAllBytes();
    }
    SecureFiles.ensureDirectory(dir);
    Path library = dir.resolve("libsqlitejdbc-" + crc32(bytes) + ".so");
    Path tmp =
        Files.createTempFile(
            dir,
            "extract-",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, library, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, library, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    try (DirectoryStream<Path> others = Files.newDirectoryStream(root, "sqlite-jdbc-*")) {
      for (Path other : others) {
        if (!other.equals(dir)) {
          SecureFiles.deleteTree(other);
        }
      }
    }
    return library;
  }

  private static String crc32(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return HexFormat.of().toHexDigits((int) crc.getValue());
  }
}
