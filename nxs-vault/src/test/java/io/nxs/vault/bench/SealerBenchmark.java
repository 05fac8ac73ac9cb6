package io.nxs.vault.bench;

import io.nxs.vault.internal.KeyRing;
import io.nxs.vault.internal.Sealer;
import io.nxs.vault.internal.VaultKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One 4 MiB chunk (the vault's chunk size) sealed (zstd + AES-256-GCM segments) and opened and
 * checked as a deep verify does (open + HMAC-SHA-256 name check), on one thread, warm. Multiply
 * ops/s by 4 MiB for MB/s per core. Goal: deep verify ≥ 200 MB/s.
 *
 * <p>Run: {@code bench/jmh nxs-vault -f 1 -wi 3 -i 3 -w 2s -r 2s SealerBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SealerBenchmark {

  @Param({"random", "text"})
  public String content;

  private Sealer sealer;
  private byte[] plain;
  private byte[] sealed;
  private String name;

  @Setup
  public void setUp() throws Exception {
    Path dir = Files.createTempDirectory("nxs-sealer-bench");
    VaultKey key = VaultKey.loadOrCreate(dir.resolve("vault.key"));
    sealer = new Sealer(KeyRing.legacy(key));
    plain = new byte[4 << 20];
    new Random(1).nextBytes(plain);
    if (content.equals("text")) {
      for (int i = 0; i < plain.length; i += 2) {
        plain[i] = 'a';
      }
    }
    name = HexFormat.of().formatHex(sealer.namingMac().doFinal(plain));
    sealed = sealer.seal(name, plain);
  }

  @Benchmark
  public byte[] seal() {
    return sealer.seal(name, plain);
  }

  @Benchmark
  public boolean deepVerifyOne() {
    byte[] opened = sealer.open(name, sealed);
    Mac mac = sealer.namingMacOf(name, sealed);
    return HexFormat.of().formatHex(mac.doFinal(opened)).equals(name);
  }
}
