package io.nxs.sync.internal;

import io.nxs.sync.SyncListener;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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

  /** Writes and removes what differs. */
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
    for (String path : todo) {
      Path file = root.resolve(path);
      if (!unchangedSinceScan(file, scanned.get(path))) {
        deferred.add(path);
      } else if (merged.containsKey(path)) {
        ObjectId id = merged.get(path);
        write(file, id);
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        written.put(
            path, new LocalFile(id, a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS)));
      } else {
        Files.deleteIfExists(file);
        removed.add(path);
      }
      touchedDirs.add(file.getParent());
      listener.progress(SyncListener.Phase.APPLYING, ++done, todo.size());
    }
    for (Path dir : touchedDirs) {
      syncDirectory(dir);
    }
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

  private void write(Path file, ObjectId id) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp =
        file.resolveSibling(
            "."
                + file.getFileName()
                + ".nxs-sync-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE)
                + ".tmp");
    try {
      try (FileChannel ch =
              FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
        repo.open(id).copyTo(out);
        out.flush();
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Makes renames in a directory durable (a power loss must not undo them after the sync). */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory for fsync; the renames are still done.
    }
  }
}
