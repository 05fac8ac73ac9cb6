package io.nxs.vault.internal;

import io.nxs.vault.Manifest;
import io.nxs.vault.Manifest.Chunk;
import io.nxs.vault.Manifest.Entry;
import io.nxs.vault.Progress;
import io.nxs.vault.VaultException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes the entries of a manifest into a directory, checking each file's size and SHA-256 as it
 * goes. A blob that is missing or damaged on one target is read from the next. Files are written in
 * parallel, largest first, each worker reusing its buffers from chunk to chunk; directory modes are
 * applied last so a read-only directory still receives its files.
 */
public final class Restorer {

  private final List<Repository> repositories;
  private final Progress progress;

  /** Each worker's decryption and decompression buffers, reused from chunk to chunk. */
  private final ThreadLocal<Sealer.Scratch> scratch = ThreadLocal.withInitial(Sealer.Scratch::new);

  public Restorer(List<Repository> repositories, Progress progress) {
    this.repositories = List.copyOf(repositories);
    this.progress = progress;
  }

  /**
   * Restores entries under {@code into} (which must exist).
   *
   * @throws VaultException naming the file whose content cannot be restored intact
   */
  public long restore(Manifest manifest, List<Entry> entries, Path into) {
    progress.start("restore " + manifest.id(), entries.stream().mapToLong(Entry::size).sum());
    List<Entry> dirs = new ArrayList<>();
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long bytes = 0;
    try {
      List<Entry> files = new ArrayList<>();
      for (Entry e : entries) {
        Path target = resolve(into, e.path());
        switch (e.type()) {
          case DIR -> {
            Files.createDirectories(target);
            dirs.add(e);
          }
          case SYMLINK -> {
            Files.createDirectories(target.getParent());
            Files.createSymbolicLink(target, Path.of(e.link()));
          }
          case FILE -> files.add(e);
        }
      }
      // Largest first, so no thread is left alone with a big file at the end while the others
      // idle; failures are still reported in manifest order.
      Map<Entry, Future<Long>> written = new IdentityHashMap<>();
      files.stream()
          .sorted(Comparator.comparingLong(Entry::size).reversed())
          .forEach(
              e ->
                  written.put(
                      e, pool.submit(() -> writeFile(manifest.id(), e, resolve(into, e.path())))));
      for (Entry e : files) {
        bytes += written.get(e).get();
      }
      dirs.sort(Comparator.comparing(Entry::path).reversed());
      for (Entry d : dirs) {
        Path target = resolve(into, d.path());
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(d.mode()));
        Files.setLastModifiedTime(target, FileTime.from(d.mtime()));
      }
    } catch (IOException e) {
      throw new VaultException("restore into " + into + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VaultException("restore was interrupted");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof VaultException ve
          ? ve
          : new VaultException("restore failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      stop(pool);
    }
    progress.done();
    return bytes;
  }

  private long writeFile(String snapshot, Entry e, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    MessageDigest sha = sha256();
    Sealer.Scratch buffers = scratch.get();
    long size = 0;
    try (OutputStream out =
        Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (Chunk c : e.chunks()) {
        Sealer.Plain plain = readChunk(snapshot, e, c, buffers);
        sha.update(plain.bytes(), 0, plain.length());
        out.write(plain.bytes(), 0, plain.length());
        size += plain.length();
        progress.advance(plain.length());
      }
    } catch (FileAlreadyExistsException ex) {
      throw new VaultException(
          "restore would overwrite " + target + ": restore into an empty directory");
    }
    String hash = HexFormat.of().formatHex(sha.digest());
    if (size != e.size() || !hash.equals(e.sha256())) {
      Files.deleteIfExists(target);
      throw new VaultException(
          "snapshot "
              + snapshot
              + " file "
              + e.path()
              + " does not match its manifest (size "
              + size
              + " vs "
              + e.size()
              + ", SHA-256 "
              + hash
              + " vs "
              + e.sha256()
              + ")");
    }
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(e.mode()));
    Files.setLastModifiedTime(target, FileTime.from(e.mtime()));
    return size;
  }

  private Sealer.Plain readChunk(String snapshot, Entry e, Chunk c, Sealer.Scratch buffers)
      throws IOException {
    List<String> failures = new ArrayList<>();
    for (Repository repo : repositories) {
      try {
        Sealer.Plain plain = repo.getBlob(c.id(), buffers);
        if (plain.length() == c.size()) {
          return plain;
        }
        failures.add(repo.target().describe() + ": wrong size");
      } catch (NoSuchFileException ex) {
        failures.add(repo.target().describe() + ": missing");
      } catch (DamagedObjectException ex) {
        failures.add(repo.target().describe() + ": " + ex.getMessage());
      }
    }
    throw new VaultException(
        "snapshot "
            + snapshot
            + " file "
            + e.path()
            + " cannot be restored: blob "
            + c.id()
            + " is damaged on every target ("
            + String.join("; ", failures)
            + "); run 'nxs backup verify --deep'");
  }

  /** The path of an entry under a directory; refuses paths that would escape it. */
  static Path resolve(Path into, String path) {
    Path p = into.resolve(path).normalize();
    if (!p.startsWith(into) || p.equals(into)) {
      throw new VaultException("snapshot path escapes the restore directory: " + path);
    }
    return p;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Whether an entry is selected by a {@code --file} argument: the path or a directory above it.
   */
  public static boolean selects(String file, Entry e) {
    String f = file.endsWith("/") ? file.substring(0, file.length() - 1) : file;
    return e.path().equals(f) || e.path().startsWith(f + "/");
  }

  /** Stops the workers and waits for them, so nothing writes after a failure is reported. */
  static void stop(ExecutorService pool) {
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
        throw new VaultException("workers did not stop within a minute");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
