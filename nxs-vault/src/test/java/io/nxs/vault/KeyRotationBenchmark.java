package io.nxs.vault;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
 * One rotation of the vault key (ADR 0152) on a vault of two local targets holding N snapshots of a
 * tree of M MiB. Goal: the time does not grow with N or M (a rotation rewrites one small object per
 * target, never a blob).
 *
 * <p>Run: {@code bench/jmh nxs-vault -f 1 -wi 3 -i 5 KeyRotationBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class KeyRotationBenchmark {

  @Param({"1", "30"})
  public int snapshots;

  @Param({"1", "64"})
  public int megabytes;

  private VaultFixture f;
  private Vault vault;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    f = new VaultFixture();
    byte[] data = new byte[megabytes << 20];
    new Random(megabytes).nextBytes(data);
    Files.write(f.agent.resolve("data.bin"), data);
    vault =
        f.vault(
            VaultConfig.defaults()
                .withTargets(
                    List.of(
                        new VaultConfig.Target("local", "backups"),
                        new VaultConfig.Target("local", "backups2"))));
    for (int i = 0; i < snapshots; i++) {
      Files.writeString(f.agent.resolve("MEMORY.md"), "snapshot " + i);
      f.clock.advance(Duration.ofHours(1));
      vault.create(Progress.NONE);
    }
  }

  @Benchmark
  public KeyRotationResult rotate() {
    return vault.rotateKey("benchmark", false);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    vault.close();
    f.close();
  }
}
