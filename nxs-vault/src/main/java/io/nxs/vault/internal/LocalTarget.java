package io.nxs.vault.internal;

import io.nxs.core.state.SecureFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A repository in a local directory (or a mounted disk). Objects are written to a temporary file
 * beside their final name ({@code .<name>.tmp-<random>}), forced to disk, then renamed into place,
 * so a crash leaves at most a temporary file, which {@link #removeLeftovers} deletes. Blobs are
 * written with {@link #putBatched} and forced to disk together by {@link #flush} before the
 * manifest that names them is committed.
 */
public final class LocalTarget implements Target {

  private static final String TMP = ".tmp-";

  private final Path root;
  private final Set<Path> unsynced = ConcurrentHashMap.newKeySet();

  public LocalTarget(Path root) {
    this.root = root.toAbsolutePath().normalize();
    SecureFiles.ensureDirectory(this.root);
  }

  public Path root() {
    return root;
  }

  @Override
  public String describe() {
    return "local:" + root;
  }

  @Override
  public void put(String key, byte[] data) throws IOException {
    Path file = path(key);
    Path tmp = writeTemporary(file, data, true);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    SecureFiles.syncDirectory(file.getParent());
  }

  @Override
  public void putBatched(String key, byte[] data) throws IOException {
    Path file = path(key);
    Path tmp = writeTemporary(file, data, false);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    unsynced.add(file);
  }

  @Override
  public void flush() throws IOException {
    Set<Path> dirs = new HashSet<>();
    for (Path file : List.copyOf(unsynced)) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.force(false);
      }
      dirs.add(file.getParent());
      unsynced.remove(file);
    }
    dirs.forEach(SecureFiles::syncDirectory);
  }

  @Override
  public boolean putIfAbsent(String key, byte[] data) throws IOException {
    Path file = path(key);
    Path tmp = writeTemporary(file, data, true);
    try {
      // A hard link fails when the name is taken: an atomic "create if absent" with full content.
      Files.createLink(file, tmp);
      SecureFiles.syncDirectory(file.getParent());
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public byte[] get(String key) throws IOException {
    return Files.readAllBytes(path(key));
  }

  @Override
  public OptionalLong size(String key) throws IOException {
    try {
      return OptionalLong.of(Files.size(path(key)));
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    Path dir = path(prefix);
    List<String> keys = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return keys;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().contains(TMP))
          .forEach(p -> keys.add(root.relativize(p).toString().replace('\\', '/')));
    }
    return keys;
  }

  @Override
  public void delete(String key) throws IOException {
    Files.deleteIfExists(path(key));
  }

  @Override
  public int removeLeftovers(Instant olderThan) throws IOException {
    int removed = 0;
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        if (p.getFileName().toString().contains(TMP)
            && Files.getLastModifiedTime(p).toInstant().isBefore(olderThan)) {
          Files.deleteIfExists(p);
          removed++;
        }
      }
    }
    return removed;
  }

  private Path path(String key) {
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root)) {
      throw new IllegalArgumentException("object key escapes the repository: " + key);
    }
    return p;
  }

  private static Path writeTemporary(Path file, byte[] data, boolean force) throws IOException {
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
      ByteBuffer buf = ByteBuffer.wrap(data);
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
}
