package io.nxs.sync.internal;

import io.nxs.sync.SyncListener;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Brings the workspace to the merged version, one file at a time, each replaced atomically (a
 * temporary file in the same directory, fsync, rename), so a reader (the agent) or a crash sees the
 * old file or the new one, never a torn one.
 *
 * <p>A file the agent changed after the scan is left alone ("deferred"): the next sync merges that
 * change with the merged version, as it would any local change.
 */
public final class WorkspaceWriter {

  /** Files written per batch (bounds the temporary files on disk at once). */
  private static final int BATCH = 256;

  /** Temporary files this writer makes: hidden, and excluded from sync by their {@code .tmp}. */
  static final Pattern TEMPORARY = Pattern.compile("\\..+\\.nxs-sync-[0-9a-f]+\\.tmp");

  private final Path root;
  private final SyncRepository repo;

  /**
   * What the workspace now holds of the merged version.
   *
   * @param written files written, as they are on disk now
   * @param removed files deleted
   * @param deferred files left as the agent changed them during the sync
   */
  public record Applied(
      Map<String, LocalFile> written, Set<String> removed, Set<String> deferred) {}

  public WorkspaceWriter(Path root, SyncRepository repo) {
    this.root = root;
    this.repo = repo;
  }

  /** The paths whose workspace content differs from the merged version. */
  public static List<String> differences(
      Map<String, ObjectId> merged, Map<String, LocalFile> scanned) {
    TreeSet<String> paths = new TreeSet<>(merged.keySet());
    paths.addAll(scanned.keySet());
    List<String> out = new ArrayList<>();
    for (String p : paths) {
      LocalFile f = scanned.get(p);
      if (!Objects.equals(merged.get(p), f == null ? null : f.id())) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * Writes and removes what differs. New contents go in batches: each file of a batch is written to
   * its temporary file, the temporary files are made durable together (their fsyncs overlap instead
   * of adding up), then each is renamed over its file. The directories are made durable last,
   * before the caller records the new base: a power loss must not leave the base saying "synced"
   * over a file whose new content never reached the disk.
   */
  public Applied apply(
      Map<String, ObjectId> merged, Map<String, LocalFile> scanned, SyncListener listener)
      throws IOException {
    List<String> todo = differences(merged, scanned);
    Map<String, LocalFile> written = new TreeMap<>();
    Set<String> removed = new TreeSet<>();
    Set<String> deferred = new TreeSet<>();
    Set<Path> touchedDirs = new HashSet<>();
    int done = 0;
    listener.progress(SyncListener.Phase.APPLYING, 0, todo.size());
    for (int from = 0; from < todo.size(); from += BATCH) {
      List<String> batch = todo.subList(from, Math.min(todo.size(), from + BATCH));
      Map<String, Path> staged = new TreeMap<>();
      try {
        for (String path : batch) {
          Path file = root.resolve(path);
          if (merged.containsKey(path) && unchangedSinceScan(file, scanned.get(path))) {
            staged.put(path, stage(file, merged.get(path)));
          }
        }
        forceAll(staged.values());
        for (String path : batch) {
          Path file = root.resolve(path);
          if (!unchangedSinceScan(file, scanned.get(path))) {
            deferred.add(path); // the agent wrote it during the sync: the next sync merges it
          } else if (staged.containsKey(path)) {
            move(staged.remove(path), file);
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            written.put(
                path,
                new LocalFile(
                    merged.get(path), a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS)));
          } else if (!merged.containsKey(path)) {
            Files.deleteIfExists(file);
            removed.add(path);
          } else {
            deferred.add(path); // changed while it was staged, and back again: merge it next run
          }
          touchedDirs.add(file.getParent());
          listener.progress(SyncListener.Phase.APPLYING, ++done, todo.size());
        }
      } finally {
        for (Path tmp : staged.values()) {
          Files.deleteIfExists(tmp); // deferred ones, or all after a failure
        }
      }
    }
    forceAll(touchedDirs);
    return new Applied(written, removed, deferred);
  }

  private static boolean unchangedSinceScan(Path file, LocalFile scanned) throws IOException {
    BasicFileAttributes now;
    try {
      now = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return scanned == null;
    }
    return scanned != null
        && now.isRegularFile()
        && now.size() == scanned.size()
        && now.lastModifiedTime().to(TimeUnit.NANOSECONDS) == scanned.modifiedNanos();
  }

  /** Writes a file's new content to a temporary file beside it (not yet durable). */
  private Path stage(Path file, ObjectId id) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp =
        file.resolveSibling(
            "."
                + file.getFileName()
                + ".nxs-sync-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE)
                + ".tmp");
    boolean done = false;
    try (FileChannel ch =
            FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        OutputStream out = Channels.newOutputStream(ch)) {
      repo.open(id).copyTo(out);
      out.flush();
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
    return tmp;
  }

  private static void move(Path tmp, Path file) throws IOException {
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** fsync of each file and directory, concurrently. */
  private static void forceAll(Collection<Path> paths) throws IOException {
    List<Future<?>> pending = new ArrayList<>();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Path p : paths) {
        pending.add(
            pool.submit(
                () -> {
                  force(p);
                  return null;
                }));
      }
      for (var f : pending) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while making the workspace writes durable", e);
    }
  }

  private static void force(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      if (!Files.isDirectory(p)) {
        throw e;
      }
      // Some file systems cannot open a directory for fsync; the renames are still done.
    }
  }
}
