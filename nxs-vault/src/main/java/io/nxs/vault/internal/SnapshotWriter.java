package io.nxs.vault.internal;

import io.nxs.vault.Manifest;
import io.nxs.vault.Manifest.Chunk;
import io.nxs.vault.Manifest.Entry;
import io.nxs.vault.Manifest.EntryType;
import io.nxs.vault.Progress;
import io.nxs.vault.VaultException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;

/**
 * Writes one snapshot to every healthy repository: walks the source trees (symlinks recorded, never
 * followed), cuts each file into fixed 4 MiB chunks, names each chunk by HMAC-SHA-256, seals and
 * stores only the chunks a repository lacks, then commits the manifest last. A file whose size and
 * mtime match the parent snapshot's entry is not read again.
 *
 * <p>Two stages, each on as many threads as cores (ADR 0155): readers take one file each, read it
 * chunk by chunk and hash it (the file's SHA-256, the chunk's name); sealers compress, encrypt and
 * store the chunks the readers hand them. So a large file's chunks are sealed on every core at
 * once, and the last file does not leave a core idle. A bounded set of chunk buffers, each made
 * when first needed, passes between the stages (a reader waits for a free one), and each sealer
 * seals into buffers of its own: a backup allocates no 4 MiB arrays per chunk, which kept the
 * daemon's small young generation collecting (and promoting) every few chunks. A reader does not
 * wait for its file's chunks to be stored before it reads the next file: the file's entry completes
 * when they are. While the sealers work, a third thread forces what they stored so far to disk
 * ({@link Target#flushAhead}), so the flush before the manifest is short. A chunk is sealed once
 * and stored into each repository through a per-repository map of known blobs, whose {@code
 * computeIfAbsent} makes sure two files with the same chunk store it once. A repository that fails
 * is dropped from the rest of the run and reported; the others still get the snapshot.
 */
public final class SnapshotWriter {

  /** Fixed chunk size; see ADR 0051. */
  public static final int CHUNK = 4 << 20;

  /** Sealed bytes between two {@link Target#flushAhead} rounds while a backup runs. */
  private static final long SYNC_EVERY = 32L << 20;

  private final List<Repository> repositories;
  private final Map<Repository, Map<String, Long>> known = new LinkedHashMap<>();
  private final Map<Repository, String> failures = new ConcurrentHashMap<>();
  private final Progress progress;
  private final Map<String, Entry> unchanged = new ConcurrentHashMap<>();
  private final AtomicLong addedBlobs = new AtomicLong();
  private final AtomicLong addedBytes = new AtomicLong();
  private final ThreadLocal<Sealer.Scratch> scratch = ThreadLocal.withInitial(Sealer.Scratch::new);
  private BlockingQueue<byte[]> buffers;
  private final AtomicInteger unmadeBuffers = new AtomicInteger();
  private ExecutorService sealers;
  private ExecutorService syncer;
  private final AtomicLong nextSync = new AtomicLong(SYNC_EVERY);

  public SnapshotWriter(List<Repository> repositories, Progress progress) {
    this.repositories = List.copyOf(repositories);
    this.progress = progress;
  }

  /** The outcome: the committed manifest, what was added, and each failed target's reason. */
  public record Written(
      Manifest manifest,
      long addedBlobs,
      long addedBytes,
      List<String> committedTo,
      Map<String, String> failedTargets) {}

  /**
   * Writes and commits a snapshot.
   *
   * @throws VaultException when no repository could take it
   */
  public Written write(
      String id, Instant createdAt, String host, List<SourceTree> trees, Manifest parent) {
    if (parent != null) {
      parent.files().forEach(e -> unchanged.put(e.path(), e));
    }
    for (Repository repo : repositories) {
      try {
        known.put(repo, new ConcurrentHashMap<>(repo.blobs()));
      } catch (IOException e) {
        fail(repo, e);
      }
    }
    List<Pending> pending = new ArrayList<>();
    for (SourceTree tree : trees) {
      collect(tree, pending);
    }
    long totalBytes = pending.stream().mapToLong(p -> p.size).sum();
    progress.start("backup " + id, totalBytes);
    List<Entry> entries = new ArrayList<>();
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    // A buffer for each reader, each sealer, and one waiting for each sealer, each made when first
    // needed: a backup that reads a few changed files makes a few, not all of them.
    buffers = new ArrayBlockingQueue<>(3 * threads);
    unmadeBuffers.set(3 * threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    sealers = Executors.newFixedThreadPool(threads);
    syncer = Executors.newSingleThreadExecutor();
    try {
      List<Future<Future<Entry>>> futures = new ArrayList<>();
      for (Pending p : pending) {
        futures.add(p.type == EntryType.FILE ? pool.submit(() -> storeFile(p)) : null);
      }
      for (int i = 0; i < pending.size(); i++) {
        Pending p = pending.get(i);
        Entry e =
            futures.get(i) == null ? p.entry(null, List.of(), p.size) : futures.get(i).get().get();
        if (e != null) {
          entries.add(e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VaultException("backup " + id + " was interrupted; nothing was committed");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof VaultException ve
          ? ve
          : new VaultException("backup " + id + " failed: " + cause.getMessage(), cause);
    } finally {
      Restorer.stop(pool);
      Restorer.stop(sealers);
      finishSyncs();
    }
    entries.sort(Comparator.comparing(Entry::path));
    Manifest manifest = new Manifest(1, id, createdAt, host, entries);
    List<String> committed = new ArrayList<>();
    for (Repository repo : healthy()) {
      try {
        // Blobs are durable before the manifest that names them exists.
        repo.flush();
        repo.putManifest(manifest);
        committed.add(repo.target().describe());
      } catch (IOException e) {
        fail(repo, e);
      }
    }
    progress.done();
    if (committed.isEmpty()) {
      throw new VaultException(
          "backup "
              + id
              + " reached no target: "
              + failedTargets()
              + "; fix the target and run 'nxs backup create' again");
    }
    return new Written(manifest, addedBlobs.get(), addedBytes.get(), committed, failedTargets());
  }

  private Map<String, String> failedTargets() {
    Map<String, String> out = new LinkedHashMap<>();
    failures.forEach((repo, why) -> out.put(repo.target().describe(), why));
    return out;
  }

  private List<Repository> healthy() {
    return repositories.stream().filter(r -> !failures.containsKey(r)).toList();
  }

  private void fail(Repository repo, IOException e) {
    failures.putIfAbsent(repo, e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  /**
   * The parent snapshot's entry when the file looks unchanged (same size and mtime, as restic and
   * rsync judge it) and every target still holds its blobs: then the file is not read again.
   */
  private Entry reuse(Pending p) {
    Entry old = unchanged.get(p.path);
    if (old == null || old.size() != p.size || !old.mtime().equals(p.mtime)) {
      return null;
    }
    for (Repository repo : healthy()) {
      Map<String, Long> blobs = known.get(repo);
      if (old.chunks().stream().anyMatch(c -> !blobs.containsKey(c.id()))) {
        return null;
      }
    }
    progress.advance(p.size);
    return p.entry(old.sha256(), old.chunks(), old.size());
  }

  /**
   * Every {@link #SYNC_EVERY} bytes stored, lets the disks write what the sealers stored so far
   * (one round at a time, off the sealers' threads), so the flush before the manifest finds little
   * left: on a local disk the last fsyncs of a first backup were its last, single-threaded step.
   */
  private void syncAhead(long stored) {
    long next = nextSync.get();
    if (stored >= next && nextSync.compareAndSet(next, stored + SYNC_EVERY)) {
      syncer.execute(
          () -> {
            for (Repository repo : healthy()) {
              try {
                repo.target().flushAhead();
              } catch (IOException e) {
                fail(repo, e);
              }
            }
          });
    }
  }

  /** Lets a running sync round end; never interrupted, which would close its file mid-force. */
  private void finishSyncs() {
    syncer.shutdown();
    try {
      if (!syncer.awaitTermination(10, TimeUnit.MINUTES)) {
        throw new VaultException("the disk did not take the backup's blobs within 10 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Reads one file and hands its chunks to the sealers, then goes on to the next file: the entry,
   * null when the file vanished meanwhile, completes once every chunk of the file is stored.
   */
  private Future<Entry> storeFile(Pending p) throws IOException, InterruptedException {
    Entry reused = reuse(p);
    if (reused != null) {
      return CompletableFuture.completedFuture(reused);
    }
    MessageDigest sha = sha256();
    Mac naming = repositories.getFirst().sealer().namingMac();
    List<String> names = new ArrayList<>();
    List<Integer> lengths = new ArrayList<>();
    List<CompletableFuture<Long>> stored = new ArrayList<>();
    long total = 0;
    byte[] buffer = null;
    try (InputStream in = Files.newInputStream(p.file, LinkOption.NOFOLLOW_LINKS)) {
      while (true) {
        buffer = takeBuffer();
        int n = in.readNBytes(buffer, 0, CHUNK);
        if (n == 0) {
          break;
        }
        sha.update(buffer, 0, n);
        naming.update(buffer, 0, n);
        String name = HexFormat.of().formatHex(naming.doFinal());
        byte[] chunk = buffer;
        buffer = null;
        stored.add(CompletableFuture.supplyAsync(() -> storeChunk(name, chunk, n), sealers));
        names.add(name);
        lengths.add(n);
        total += n;
        if (n < CHUNK) {
          break;
        }
      }
    } catch (NoSuchFileException e) {
      return CompletableFuture.completedFuture(null);
    } finally {
      if (buffer != null) {
        buffers.add(buffer);
      }
    }
    String sha256 = HexFormat.of().formatHex(sha.digest());
    long size = total;
    return CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<Chunk> chunks = new ArrayList<>();
              for (int i = 0; i < names.size(); i++) {
                chunks.add(new Chunk(names.get(i), lengths.get(i), stored.get(i).join()));
              }
              return p.entry(sha256, chunks, size);
            });
  }

  /**
   * A free chunk buffer: one given back, else a new one while fewer than the set exist, else waits.
   */
  private byte[] takeBuffer() throws InterruptedException {
    byte[] free = buffers.poll();
    if (free != null) {
      return free;
    }
    if (unmadeBuffers.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      return new byte[CHUNK];
    }
    return buffers.take();
  }

  /** Seals and stores one chunk where it is missing, then gives its buffer back to the readers. */
  private long storeChunk(String name, byte[] buffer, int length) {
    try {
      long stored = storeChunk(name, buffer, length, scratch.get());
      progress.advance(length);
      return stored;
    } finally {
      buffers.add(buffer);
    }
  }

  private long storeChunk(String name, byte[] buffer, int length, Sealer.Scratch into) {
    Sealer.Plain sealed = null;
    long stored = -1;
    for (Repository repo : healthy()) {
      Map<String, Long> blobs = known.get(repo);
      Long have = blobs.get(name);
      if (have == null) {
        if (sealed == null) {
          sealed = repo.sealer().seal(name, buffer, 0, length, into);
        }
        Sealer.Plain toStore = sealed;
        try {
          have =
              blobs.computeIfAbsent(
                  name,
                  n -> {
                    try {
                      repo.putSealedBlobBatched(n, toStore.bytes(), toStore.length());
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                    addedBlobs.incrementAndGet();
                    syncAhead(addedBytes.addAndGet(toStore.length()));
                    progress.blobWritten(n);
                    return (long) toStore.length();
                  });
        } catch (java.io.UncheckedIOException e) {
          fail(repo, e.getCause());
          continue;
        }
      }
      if (stored < 0) {
        stored = have;
      }
    }
    if (stored < 0) {
      throw new VaultException("every target failed: " + failedTargets());
    }
    return stored;
  }

  private void collect(SourceTree tree, List<Pending> out) {
    Path root = tree.root();
    if (!Files.isDirectory(root)) {
      return;
    }
    SourceTree.Filter filter = tree.filter();
    boolean dirs = tree.keepsDirectories();
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                throws IOException {
              if (!dir.equals(root) && filter.excludesAllUnder(root.relativize(dir))) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              if (dirs && !dir.equals(root)) {
                out.add(pending(tree, root, dir, EntryType.DIR));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Path rel = root.relativize(file);
              if (!filter.accepts(rel)) {
                return FileVisitResult.CONTINUE;
              }
              if (attrs.isSymbolicLink()) {
                out.add(pending(tree, root, file, EntryType.SYMLINK));
              } else if (attrs.isRegularFile()) {
                out.add(pending(tree, root, file, EntryType.FILE));
              }
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
    } catch (IOException e) {
      throw new VaultException("cannot read source " + root + ": " + e.getMessage(), e);
    }
  }

  private static Pending pending(SourceTree tree, Path root, Path file, EntryType type)
      throws IOException {
    PosixFileAttributes a =
        Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    String rel = root.relativize(file).toString().replace('\\', '/');
    String path = tree.prefix().isEmpty() ? rel : tree.prefix() + "/" + rel;
    String link = type == EntryType.SYMLINK ? Files.readSymbolicLink(file).toString() : null;
    return new Pending(
        path,
        file,
        type,
        type == EntryType.FILE ? a.size() : 0,
        PosixFilePermissions.toString(a.permissions()),
        a.lastModifiedTime().toInstant(),
        link);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  private record Pending(
      String path, Path file, EntryType type, long size, String mode, Instant mtime, String link) {
    Entry entry(String sha256, List<Chunk> chunks, long actualSize) {
      return new Entry(path, type, actualSize, mode, mtime, sha256, link, chunks);
    }
  }
}
