package io.nxs.vault.internal;

import io.nxs.vault.Manifest;
import io.nxs.vault.Manifest.Chunk;
import io.nxs.vault.Manifest.Entry;
import io.nxs.vault.Progress;
import io.nxs.vault.VerifyReport.Problem;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;

/**
 * Checks snapshots on one repository (SPEC VA2, seed 002 §2): every blob a manifest names exists
 * with the stored size; a re-read blob decrypts (GCM tag), and its plain content hashes back to its
 * name (HMAC-SHA-256) and has the recorded size. Deep re-reads every blob; the quick check re-reads
 * a rotating thirtieth of them (by blob name and day), so every blob is re-read over a month. Each
 * blob is checked once per run, however many snapshots share it.
 */
public final class Verifier {

  /** Days over which the quick check re-reads every blob once. */
  public static final int ROTATION_DAYS = 30;

  private final Repository repo;
  private final boolean deep;
  private final LocalDate today;
  private final Progress progress;
  private final Map<String, String> blobFindings = new ConcurrentHashMap<>();
  private final AtomicLong blobsRead = new AtomicLong();
  private final AtomicLong bytesRead = new AtomicLong();

  /** Each worker's buffers, reused from blob to blob. */
  private final ThreadLocal<Sealer.Scratch> scratch = ThreadLocal.withInitial(Sealer.Scratch::new);

  private long blobsChecked;

  public Verifier(Repository repo, boolean deep, LocalDate today, Progress progress) {
    this.repo = repo;
    this.deep = deep;
    this.today = today;
    this.progress = progress;
  }

  /** What one snapshot needs and what was found. */
  public record SnapshotCheck(String id, Manifest manifest, List<Problem> problems) {}

  /** Checks snapshots; returns one check per snapshot, in order. */
  public List<SnapshotCheck> check(List<String> ids) {
    String target = repo.target().describe();
    Map<String, Manifest> manifests = new LinkedHashMap<>();
    List<SnapshotCheck> out = new ArrayList<>();
    Map<String, Long> stored = new LinkedHashMap<>();
    for (String id : ids) {
      try {
        Manifest m = repo.manifest(id);
        manifests.put(id, m);
        for (Entry e : m.files()) {
          for (Chunk c : e.chunks()) {
            stored.putIfAbsent(c.id(), c.stored());
          }
        }
      } catch (NoSuchFileException e) {
        manifests.put(id, null);
      } catch (IOException | RuntimeException e) {
        manifests.put(id, null);
        out.add(
            new SnapshotCheck(
                id,
                null,
                List.of(
                    new Problem(
                        target,
                        id,
                        null,
                        Repository.snapshotKey(id),
                        "manifest damaged: " + e.getMessage()))));
      }
    }
    checkBlobs(stored);
    for (Map.Entry<String, Manifest> e : manifests.entrySet()) {
      if (e.getValue() == null) {
        if (out.stream().noneMatch(c -> c.id().equals(e.getKey()))) {
          out.add(
              new SnapshotCheck(
                  e.getKey(),
                  null,
                  List.of(
                      new Problem(
                          target,
                          e.getKey(),
                          null,
                          Repository.snapshotKey(e.getKey()),
                          "manifest missing"))));
        }
        continue;
      }
      List<Problem> problems = new ArrayList<>();
      for (Entry f : e.getValue().files()) {
        for (Chunk c : f.chunks()) {
          String finding = blobFindings.get(c.id());
          if (finding != null) {
            problems.add(
                new Problem(target, e.getKey(), f.path(), Repository.blobKey(c.id()), finding));
          }
        }
      }
      out.add(new SnapshotCheck(e.getKey(), e.getValue(), problems));
    }
    return out;
  }

  public long blobsChecked() {
    return blobsChecked;
  }

  public long blobsRead() {
    return blobsRead.get();
  }

  public long bytesRead() {
    return bytesRead.get();
  }

  /** Whether the quick check re-reads this blob today. */
  public static boolean inTodaysSample(String blob, LocalDate today) {
    int bucket = Integer.parseInt(blob.substring(0, 4), 16) % ROTATION_DAYS;
    return bucket == Math.floorMod(today.toEpochDay(), ROTATION_DAYS);
  }

  private void checkBlobs(Map<String, Long> stored) {
    blobsChecked = stored.size();
    // One listing gives every blob's size (one request on s3, not one per blob).
    Map<String, Long> present;
    try {
      present = repo.blobs();
    } catch (IOException e) {
      String finding = "blob unreadable: cannot list the blobs: " + e.getMessage();
      stored.keySet().forEach(name -> blobFindings.put(name, finding));
      return;
    }
    long total = deep ? stored.values().stream().mapToLong(Long::longValue).sum() : stored.size();
    progress.start(deep ? "deep verify" : "verify", total);
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Map.Entry<String, Long> b : stored.entrySet()) {
        futures.add(
            pool.submit(() -> checkBlob(b.getKey(), b.getValue(), present.get(b.getKey()))));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      Restorer.stop(pool);
    }
    progress.done();
  }

  private void checkBlob(String name, long storedSize, Long size) {
    try {
      if (size == null) {
        blobFindings.put(name, "blob missing");
        return;
      }
      if (size != storedSize) {
        blobFindings.put(name, "blob size " + size + " instead of " + storedSize);
        return;
      }
      if (deep || inTodaysSample(name, today)) {
        Sealer.Scratch buffers = scratch.get();
        Sealer.Plain sealed = repo.getSealedBlob(name, buffers);
        bytesRead.addAndGet(sealed.length());
        blobsRead.incrementAndGet();
        Sealer.Plain plain = repo.sealer().open(name, sealed.bytes(), sealed.length(), buffers);
        Mac mac = repo.sealer().namingMacOf(name, sealed.bytes(), sealed.length());
        mac.update(plain.bytes(), 0, plain.length());
        if (!HexFormat.of().formatHex(mac.doFinal()).equals(name)) {
          blobFindings.put(name, "content does not hash to the blob's name");
        }
      }
      progress.advance(deep ? storedSize : 1);
    } catch (NoSuchFileException e) {
      blobFindings.put(name, "blob missing");
    } catch (DamagedObjectException e) {
      blobFindings.put(name, "blob damaged: authentication failed");
    } catch (IOException e) {
      blobFindings.put(name, "blob unreadable: " + e.getMessage());
    }
  }
}
