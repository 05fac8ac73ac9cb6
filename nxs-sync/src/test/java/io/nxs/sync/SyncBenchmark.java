package io.nxs.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One sync of a 10,000-file workspace (100 directories of 100 markdown files, ~1 KiB each) with a
 * local bare remote, two instances. {@code push}: instance A has {@code changed} files modified
 * since its last sync and syncs (scan, fetch, merge, commit, push). {@code pull}: A pushed {@code
 * changed} modified files and instance B syncs them in (scan, fetch, merge, write). Goal: 50
 * changed files in under 2 s.
 *
 * <p>Run: {@code bench/jmh nxs-sync -f 1 -wi 3 -i 10 SyncBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SyncBenchmark {

  static final int DIRS = 100;
  static final int PER_DIR = 100;

  @Param({"0", "50"})
  public int changed;

  private Path dir;
  private SyncNode a;
  private SyncNode b;
  private final Random random = new Random(42);
  private long tick = 1_000_000;

  @Setup(Level.Trial)
  public void workspaces() throws Exception {
    dir = Files.createTempDirectory("nxs-sync-bench");
    BareRemote remote = BareRemote.create(dir.resolve("remote.git"));
    SyncManifest all = SyncManifest.parse("sync:\n  include: [\"**/*.md\"]\n", "bench.yaml");
    a = SyncNode.create(dir, "a", remote.url(), all, false);
    b = SyncNode.create(dir, "b", remote.url(), all, false);
    byte[] filler = "Remembered: the user prefers short answers. ".repeat(24).getBytes();
    for (int d = 0; d < DIRS; d++) {
      Path sub = Files.createDirectories(a.workspace.resolve("memory-" + d));
      for (int f = 0; f < PER_DIR; f++) {
        Path file = sub.resolve("note-" + f + ".md");
        Files.write(file, filler);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-12-01T00:00:00Z")));
      }
    }
    check(a.sync());
    check(b.sync());
  }

  @Setup(Level.Invocation)
  public void change() throws IOException {
    for (int i = 0; i < changed; i++) {
      Path file =
          a.workspace.resolve(
              "memory-" + random.nextInt(DIRS) + "/note-" + random.nextInt(PER_DIR) + ".md");
      Files.writeString(file, "changed " + (tick++) + "\n");
      // In the past, as real edits are (a future time is distrusted by the stat cache every run).
      Files.setLastModifiedTime(
          file, FileTime.from(Instant.now().minusSeconds(3600).plusMillis(tick)));
    }
  }

  @Benchmark
  public SyncReport push() {
    return check(a.sync());
  }

  /** A pushes its changes in the setup half of the work, then B's sync is measured. */
  @State(Scope.Benchmark)
  public static class Pulled {
    @Setup(Level.Invocation)
    public void pushFromA(SyncBenchmark s) {
      check(s.a.sync());
    }
  }

  @Benchmark
  public SyncReport pull(Pulled pushed) {
    return check(b.sync());
  }

  @TearDown(Level.Trial)
  public void remove() throws IOException {
    a.close();
    b.close();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static SyncReport check(SyncReport r) {
    if (!r.ok()) {
      throw new IllegalStateException(r.error());
    }
    return r;
  }
}
