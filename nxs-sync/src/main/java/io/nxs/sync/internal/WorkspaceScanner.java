package io.nxs.sync.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;

/**
 * Lists the workspace files in scope with their blob ids, reading only the files whose size or
 * modification time changed since the last scan.
 *
 * <p>Design note: the stat cache is a git index file (JGit's {@link DirCache}) beside NXS's sync
 * repository, holding per path the size, modification time and blob id of the last scan, so a
 * 10,000-file workspace costs one directory walk plus reading the few files that changed. As in
 * git, an entry modified within {@link #RACY} of the cache's own write could have changed again
 * within the file system's timestamp granularity: it is hashed again next time.
 */
public final class WorkspaceScanner {

  /** Temporary files of {@link WorkspaceWriter}. */
  private static final Pattern TEMPORARY = WorkspaceWriter.TEMPORARY;

  /** How close to the cache's write a modification must be to distrust the cached id. */
  static final long RACY = TimeUnit.SECONDS.toNanos(2);

  private final Path root;
  private final PathScope scope;
  private final Path cacheFile;

  public WorkspaceScanner(Path root, PathScope scope, Path cacheFile) {
    this.root = root;
    this.scope = scope;
    this.cacheFile = cacheFile;
  }

  /**
   * Scans the workspace.
   *
   * @param inserter where the blobs of changed files go; with a {@link ObjectInserter.Formatter}
   *     only their ids are computed
   * @param saveCache whether to write the new stat cache (a sync does; a status look does not)
   * @return every file in scope by relative {@code /}-separated path, sorted
   */
  public Map<String, LocalFile> scan(ObjectInserter inserter, boolean saveCache)
      throws IOException {
    TreeMap<String, LocalFile> files = new TreeMap<>();
    if (!Files.isDirectory(root)) {
      return files;
    }
    DirCache cache = readCache();
    long cacheWritten = cacheWrittenNanos();
    boolean[] dirty = {false};
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            if (dir.equals(root)) {
              return FileVisitResult.CONTINUE;
            }
            return scope.excludesDirectory(relative(dir))
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (!attrs.isRegularFile()) {
              return FileVisitResult.CONTINUE; // symbolic links and devices do not sync
            }
            String path = relative(file);
            if (TEMPORARY.matcher(file.getFileName().toString()).matches()) {
              if (saveCache) {
                // A write a killed sync left behind (never synced: *.tmp); a sync holds the lock.
                Files.deleteIfExists(file);
              }
              return FileVisitResult.CONTINUE;
            }
            if (!scope.syncsInIncludedDirectory(path) || !gitPath(path)) {
              return FileVisitResult.CONTINUE;
            }
            long size = attrs.size();
            long mtime = attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS);
            DirCacheEntry cached = cache.getEntry(path);
            ObjectId id;
            boolean trusted =
                cached != null
                    && cached.getLength() == (int) size
                    && nanos(cached.getLastModifiedInstant()) == mtime
                    && mtime + RACY < cacheWritten;
            if (trusted) {
              id = cached.getObjectId();
            } else {
              dirty[0] = true;
              try {
                id = insert(inserter, file, size);
              } catch (NoSuchFileException e) {
                return FileVisitResult.CONTINUE; // deleted while we walked: absent
              }
            }
            files.put(path, new LocalFile(id, size, mtime));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }
        });
    // Rewrite the cache only when it would change: a file read again, or one gone.
    if (saveCache && (dirty[0] || files.size() != cache.getEntryCount())) {
      saveCache(files);
    }
    return files;
  }

  /**
   * Records files NXS itself just wrote, so the next scan does not read them again.
   *
   * @param scanned what the scan of this run found
   */
  public void remember(
      Map<String, LocalFile> scanned, Map<String, LocalFile> written, Set<String> removed)
      throws IOException {
    if (written.isEmpty() && removed.isEmpty()) {
      return;
    }
    TreeMap<String, LocalFile> all = new TreeMap<>(scanned);
    removed.forEach(all::remove);
    all.putAll(written);
    saveCache(all);
  }

  private static ObjectId insert(ObjectInserter inserter, Path file, long size) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return inserter instanceof ObjectInserter.Formatter f
          ? f.idFor(Constants.OBJ_BLOB, size, in)
          : inserter.insert(Constants.OBJ_BLOB, size, in);
    }
  }

  private DirCache readCache() throws IOException {
    try {
      return DirCache.read(cacheFile.toFile(), org.eclipse.jgit.util.FS.DETECTED);
    } catch (org.eclipse.jgit.errors.CorruptObjectException e) {
      // A damaged cache only costs a full re-read: start from an empty one.
      return DirCache.newInCore();
    }
  }

  private long cacheWrittenNanos() throws IOException {
    try {
      return Files.getLastModifiedTime(cacheFile).to(TimeUnit.NANOSECONDS);
    } catch (NoSuchFileException e) {
      return Long.MIN_VALUE;
    }
  }

  private void saveCache(Map<String, LocalFile> files) throws IOException {
    DirCache cache = DirCache.lock(cacheFile.toFile(), org.eclipse.jgit.util.FS.DETECTED);
    try {
      DirCacheBuilder b = cache.builder();
      for (Map.Entry<String, LocalFile> f : files.entrySet()) {
        DirCacheEntry e = new DirCacheEntry(f.getKey());
        e.setFileMode(FileMode.REGULAR_FILE);
        e.setObjectId(f.getValue().id());
        e.setLength(f.getValue().size());
        e.setLastModified(Instant.EPOCH.plusNanos(f.getValue().modifiedNanos()));
        b.add(e);
      }
      b.finish();
      cache.write();
      if (!cache.commit()) {
        throw new IOException("cannot replace the stat cache " + cacheFile);
      }
    } finally {
      cache.unlock();
    }
  }

  private String relative(Path p) {
    String s = root.relativize(p).toString();
    return p.getFileSystem().getSeparator().equals("/") ? s : s.replace('\\', '/');
  }

  /** Whether git can hold the path (no {@code .git} component, no NUL, and so on). */
  private static boolean gitPath(String path) {
    try {
      new DirCacheEntry(path);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static long nanos(Instant i) {
    return TimeUnit.SECONDS.toNanos(i.getEpochSecond()) + i.getNano();
  }
}
