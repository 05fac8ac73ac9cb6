package io.nxs.rollout.release;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Makes the release archive {@code nxs-<version>.tar.gz} (SPEC RO1) from the built application:
 *
 * <pre>
 * nxs-VERSION/
 *   VERSION            the version, signed through the manifest
 *   MANIFEST.sha256    every other file's SHA-256 (sha256sum format)
 *   bin/nxs            the launcher: finds a JDK 21+, builds nothing
 *   lib/nxs.jar        the application with its dependencies
 *   lib/java-home      the JDK lookup bin/nxs sources (the one ./nxs uses)
 *   config/nxs.yaml    the default configuration
 *   dist/supervise     the supervising loop bin/nxs serve runs under ({@link Restart})
 *   dist/...           systemd unit, container files, Prometheus rules, Grafana board
 * </pre>
 *
 * <p>The archive is reproducible: entries sorted, one fixed time, owner 0, modes from the path
 * (programs 0755, else 0644), so the same inputs give the same bytes. The release profile of the
 * build runs {@link #main}; tests call {@link #pack} on the reactor's jar.
 */
public final class ReleasePackager {

  /** Entry times in the archive: 2020-01-01, a constant so builds are reproducible. */
  private static final FileTime ENTRY_TIME = FileTime.fromMillis(1_577_836_800_000L);

  /**
   * What goes into a release.
   *
   * @param version the version, e.g. {@code 0.2.0}
   * @param jar the application jar with its dependencies
   * @param launcher the {@code bin/nxs} script
   * @param javaHome the JDK lookup script the launcher sources
   * @param config the default {@code nxs.yaml}
   * @param dist the {@code dist/} directory; its launcher source and repository checks are left out
   */
  public record Inputs(
      String version, Path jar, Path launcher, Path javaHome, Path config, Path dist) {}

  /**
   * What of {@code dist/} stays in the repository: the launcher's source (it is {@code bin/nxs})
   * and the checks CI runs on the repository's own files.
   */
  private static final Set<String> LEFT_OUT =
      Set.of("release", "check", "check.py", "yamllint.yml");

  private ReleasePackager() {}

  /**
   * {@code --version V --jar F --launcher F --java-home F --config F --dist DIR --out DIR}: writes
   * {@code DIR/nxs-V.tar.gz}.
   */
  public static void main(String[] args) {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i], args[i + 1]);
    }
    for (String key :
        List.of("--version", "--jar", "--launcher", "--java-home", "--config", "--dist", "--out")) {
      if (!a.containsKey(key)) {
        throw new IllegalArgumentException("ReleasePackager: missing " + key);
      }
    }
    Inputs inputs =
        new Inputs(
            a.get("--version"),
            Path.of(a.get("--jar")),
            Path.of(a.get("--launcher")),
            Path.of(a.get("--java-home")),
            Path.of(a.get("--config")),
            Path.of(a.get("--dist")));
    pack(inputs, Path.of(a.get("--out")));
  }

  /**
   * Writes {@code out/nxs-<version>.tar.gz} (atomically: a partial file never has the final name).
   *
   * @return the archive
   * @throws UncheckedIOException when an input cannot be read or the archive written
   */
  public static Path pack(Inputs in, Path out) {
    ReleaseVersion.parse(in.version());
    Map<String, Path> files = new TreeMap<>();
    files.put("bin/nxs", in.launcher());
    files.put("lib/nxs.jar", in.jar());
    files.put("lib/java-home", in.javaHome());
    files.put("config/nxs.yaml", in.config());
    try (Stream<Path> dist = Files.walk(in.dist())) {
      dist.filter(Files::isRegularFile)
          .filter(p -> !LEFT_OUT.contains(in.dist().relativize(p).getName(0).toString()))
          .forEach(p -> files.put("dist/" + separators(in.dist().relativize(p)), p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] version = (in.version() + "\n").getBytes(StandardCharsets.UTF_8);
    Map<String, String> hashes = new TreeMap<>();
    hashes.put(ReleaseArchive.VERSION_FILE, ReleaseArchive.sha256(version));
    files.forEach((name, file) -> hashes.put(name, sha256(file)));
    byte[] manifest = new Manifest(hashes).bytes();

    String top = "nxs-" + in.version();
    Path archive = out.resolve(top + ".tar.gz");
    Path tmp = out.resolve(top + ".tar.gz.partial");
    try {
      Files.createDirectories(out);
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
          GZIPOutputStream gzip = new GZIPOutputStream(file, 1 << 16);
          TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        directory(tar, top + "/");
        bytes(tar, top + "/" + Manifest.FILE_NAME, manifest);
        bytes(tar, top + "/" + ReleaseArchive.VERSION_FILE, version);
        String lastDir = "";
        for (Map.Entry<String, Path> f : files.entrySet()) {
          String dir = f.getKey().substring(0, f.getKey().lastIndexOf('/') + 1);
          if (!dir.equals(lastDir)) {
            directory(tar, top + "/" + dir);
            lastDir = dir;
          }
          TarArchiveEntry entry = entry(top + "/" + f.getKey(), Files.size(f.getValue()));
          entry.setMode(ReleaseArchive.executable(f.getKey()) ? 0755 : 0644);
          tar.putArchiveEntry(entry);
          Files.copy(f.getValue(), tar);
          tar.closeArchiveEntry();
        }
        tar.finish();
      }
      Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + archive + ": " + e.getMessage(), e);
    }
    return archive;
  }

  private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
    // Parent directories of nested dist/ paths are created on extraction; the tar lists the
    // top-level ones so that tar -x gives them sane modes.
    TarArchiveEntry entry = entry(name, 0);
    entry.setMode(040755);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }

  private static void bytes(TarArchiveOutputStream tar, String name, byte[] content)
      throws IOException {
    TarArchiveEntry entry = entry(name, content.length);
    entry.setMode(0644);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private static TarArchiveEntry entry(String name, long size) {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(size);
    entry.setLastModifiedTime(ENTRY_TIME);
    entry.setIds(0, 0);
    entry.setNames("root", "root");
    return entry;
  }

  private static String separators(Path relative) {
    return relative.toString().replace('\\', '/');
  }

  private static String sha256(Path file) {
    try (var in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
