package io.nxs.vault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Random file trees for round trips, and a fingerprint to compare two trees by. */
final class RandomTree {

  private RandomTree() {}

  /**
   * Fills {@code dir} with files of random content: empty ones, small ones, one larger than a
   * chunk, unicode names, nested directories, an empty directory and a symlink (dangling on
   * purpose).
   */
  static void fill(Path dir, long seed, int files) {
    Random r = new Random(seed);
    try {
      Files.createDirectories(dir.resolve("empty-dir"));
      Files.write(dir.resolve("empty.txt"), new byte[0]);
      Files.write(dir.resolve("Grüße ✓ 日本.md"), bytes(r, 300));
      Files.createDirectories(dir.resolve("memory"));
      Files.writeString(dir.resolve("MEMORY.md"), "# memory\n" + "x".repeat(2000));
      Files.writeString(dir.resolve("memory/2026-12-01.md"), "today " + "y".repeat(500));
      Files.write(dir.resolve("large.bin"), bytes(r, (4 << 20) * 2 + 12345));
      for (int i = 0; i < files; i++) {
        Path sub = dir.resolve("d" + (i % 4)).resolve("e" + (i % 3));
        Files.createDirectories(sub);
        Files.write(sub.resolve("f" + i + ".dat"), bytes(r, r.nextInt(20_000)));
      }
      Files.createSymbolicLink(dir.resolve("link-to-nowhere"), Path.of("../outside/target"));
      Files.createSymbolicLink(dir.resolve("link-to-memory"), Path.of("MEMORY.md"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    // Half of them compressible, like text.
    if (n > 0 && r.nextBoolean()) {
      for (int i = 0; i < n; i += 2) {
        b[i] = 'a';
      }
    }
    return b;
  }

  /** Path → SHA-256 for files, "dir" for directories, "-> target" for symlinks. */
  static Map<String, String> fingerprint(Path dir) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.naturalOrder()).toList()) {
        if (p.equals(dir)) {
          continue;
        }
        String rel = dir.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          out.put(rel, "-> " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(rel, "dir");
        } else {
          out.put(
              rel,
              HexFormat.of()
                  .formatHex(
                      java.security.MessageDigest.getInstance("SHA-256")
                          .digest(Files.readAllBytes(p))));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
