package io.nxs.vault.internal;

import io.nxs.core.state.SecureFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A repository in a local directory (or a mounted disk). Objects are written to a temporary file
 * beside their final name ({@code .<name>.tmp-<random>}), forced to disk, then renamed into place,
 * so a crash leaves at most a temporary file, which {@link #removeLeftovers} deletes. Blobs are
 * written with {@link #putBatched} and forced to disk together by {@link #flush} before the
 * manifest that names them is committed.
 */
public final class LocalTarget implements Target {

  private final Path root;
  private final DirectoryStore files;
  private final Set<Path> unsynced = ConcurrentHashMap.newKeySet();
  private final Set<Path> unsyncedDirs = ConcurrentHashMap.newKeySet();

  public LocalTarget(Path root) {
    this.root = root.toAbsolutePath().normalize();
    SecureFiles.ensureDirectory(this.root);
    this.files = new DirectoryStore(this.root, null);
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
    Path file = files.write(key, data, true);
    SecureFiles.syncDirectory(file.getParent());
  }

  @Override
  public void putBatched(String key, byte[] data) throws IOException {
    putBatched(key, data, data.length);
  }

  @Override
  public void putBatched(String key, byte[] data, int length) throws IOException {
    unsynced.add(files.write(key, data, length, false));
  }

  @Override
  public void flush() throws IOException {
    flushAhead();
    for (Path dir : List.copyOf(unsyncedDirs)) {
      SecureFiles.syncDirectory(dir);
      unsyncedDirs.remove(dir);
    }
  }

  /** Forces the files written so far; their directories wait for {@link #flush}. */
  @Override
  public void flushAhead() throws IOException {
    for (Path file : List.copyOf(unsynced)) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.force(false);
      }
      unsyncedDirs.add(file.getParent());
      unsynced.remove(file);
    }
  }

  @Override
  public boolean putIfAbsent(String key, byte[] data) throws IOException {
    Path file = files.path(key);
    Path tmp = files.writeTemporary(file, data, true);
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
    return files.get(key);
  }

  @Override
  public Sealer.Plain get(String key, Sealer.Scratch into) throws IOException {
    return files.get(key, into);
  }

  @Override
  public OptionalLong size(String key) throws IOException {
    return files.size(key);
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    return files.list(prefix);
  }

  @Override
  public void delete(String key) throws IOException {
    Files.deleteIfExists(files.path(key));
  }

  @Override
  public int removeLeftovers(Instant olderThan) throws IOException {
    int removed = 0;
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        if (DirectoryStore.isTemporary(p)
            && Files.getLastModifiedTime(p).toInstant().isBefore(olderThan)) {
          Files.deleteIfExists(p);
          removed++;
        }
      }
    }
    return removed;
  }
}
