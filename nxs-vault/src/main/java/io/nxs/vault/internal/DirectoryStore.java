package io.nxs.vault.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Objects as files under a root directory, the storage {@link LocalTarget} and {@link GitTarget}
 * share: a key is a relative path that may not leave the root (nor enter a reserved directory such
 * as {@code .git}); a write goes to a temporary sibling ({@code .<name>.tmp-<random>}, mode 0600)
 * and is renamed into place, so a reader sees a whole object or none; listings skip temporary
 * files.
 */
final class DirectoryStore {

  /** The infix of temporary files. */
  static final String TMP = ".tmp-";

  private final Path root;
  private final Path reserved;

  /**
   * @param reserved a directory under the root that holds no objects (e.g. {@code .git}), or null
   */
  DirectoryStore(Path root, Path reserved) {
    this.root = root;
    this.reserved = reserved;
  }

  /**
   * The file of a key.
   *
   * @throws IllegalArgumentException when the key escapes the root or names the reserved directory
   */
  Path path(String key) {
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root) || (reserved != null && p.startsWith(reserved))) {
      throw new IllegalArgumentException("object key escapes the repository: " + key);
    }
    return p;
  }

  /**
   * Writes an object whole: into a temporary sibling, optionally forced to disk, then renamed.
   *
   * @return the object's file; its directory entry is durable only after a directory sync
   */
  Path write(String key, byte[] data, boolean force) throws IOException {
    return write(key, data, data.length, force);
  }

  /** {@link #write(String, byte[], boolean)} of the first {@code length} bytes of {@code data}. */
  Path write(String key, byte[] data, int length, boolean force) throws IOException {
    Path file = path(key);
    moveIntoPlace(writeTemporary(file, data, length, force), file);
    return file;
  }

  /** Writes a temporary sibling of {@code file} (created 0600), deleted again on failure. */
  Path writeTemporary(Path file, byte[] data, boolean force) throws IOException {
    return writeTemporary(file, data, data.length, force);
  }

  private Path writeTemporary(Path file, byte[] data, int length, boolean force)
      throws IOException {
    Path dir = file.getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
    }
    Path tmp =
        dir.resolve(
            "."
                + file.getFileName()
                + TMP
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(data, 0, length);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      if (force) {
        ch.force(false);
      }
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return tmp;
  }

  /** Renames a temporary file over its object, atomically where the file system can. */
  static void moveIntoPlace(Path tmp, Path file) throws IOException {
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // A file system without atomic rename (rare for a local disk): a plain replace is the best
      // it offers, and the temporary file still never carries the object's name.
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  byte[] get(String key) throws IOException {
    return Files.readAllBytes(path(key));
  }

  /**
   * Reads an object into a scratch's reusable buffer ({@link Target#get(String, Sealer.Scratch)}).
   */
  Sealer.Plain get(String key, Sealer.Scratch into) throws IOException {
    try (FileChannel ch = FileChannel.open(path(key), StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new IOException("object " + key + " is too large to read: " + size + " bytes");
      }
      byte[] buffer = into.sealed((int) size);
      ByteBuffer view = ByteBuffer.wrap(buffer, 0, (int) size);
      // An object is never rewritten in place (a new one is renamed over it), so its size holds
      // while it is open; a short read still ends at the end of the file, and the opener then
      // finds the object truncated.
      int n = 0;
      while (view.hasRemaining() && n >= 0) {
        n = ch.read(view);
      }
      return new Sealer.Plain(buffer, view.position());
    }
  }

  OptionalLong size(String key) throws IOException {
    Path file = path(key);
    try {
      return OptionalLong.of(Files.size(file));
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    }
  }

  /** The keys under a prefix ({@code ""} for all), temporary files left out. */
  List<String> list(String prefix) throws IOException {
    Path start = prefix.isEmpty() ? root : path(prefix);
    List<String> keys = new ArrayList<>();
    if (!Files.isDirectory(start)) {
      return keys;
    }
    try (Stream<Path> walk = Files.walk(start)) {
      walk.filter(p -> reserved == null || !p.startsWith(reserved))
          .filter(Files::isRegularFile)
          .filter(p -> !isTemporary(p))
          .forEach(p -> keys.add(root.relativize(p).toString().replace('\\', '/')));
    }
    return keys;
  }

  static boolean isTemporary(Path file) {
    return file.getFileName().toString().contains(TMP);
  }
}
