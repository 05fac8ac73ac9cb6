package io.nxs.doctor.collect;

import io.nxs.core.ext.MetricSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Security figures (SPEC DR2 security rules): {@code security.insecure_file{file}} is 1 when the
 * state database or a private key file is readable or writable by group or others (SEC4 wants
 * 0600); {@code security.integrity_changed{file}} is 1 when a watched file's SHA-256 differs from
 * the one seen when the Doctor started (public keys, by default everything under {@code keys/}).
 */
public final class SecurityCollector implements MetricSource {

  private static final Logger LOG = LoggerFactory.getLogger(SecurityCollector.class);

  private static final Set<PosixFilePermission> OTHERS =
      Set.of(
          PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

  private final Path home;
  private final List<Path> watched;
  private final Map<Path, String> baseline = new LinkedHashMap<>();

  public SecurityCollector(Path home, List<String> integrityPaths) {
    this.home = home;
    this.watched = integrityPaths.stream().map(p -> home.resolve(p)).toList();
    for (Path f : files(watched)) {
      baseline.put(f, sha256(f));
    }
  }

  @Override
  public String name() {
    return "security";
  }

  @Override
  public List<Sample> collect() {
    List<Sample> out = new ArrayList<>();
    List<Path> sensitive = new ArrayList<>(List.of(home.resolve("state.db")));
    files(List.of(home.resolve("keys"))).stream()
        .filter(p -> !p.toString().endsWith(".pub"))
        .forEach(sensitive::add);
    for (Path f : sensitive) {
      if (!Files.exists(f)) {
        continue;
      }
      try {
        boolean open = Files.getPosixFilePermissions(f).stream().anyMatch(OTHERS::contains);
        out.add(new Sample("security.insecure_file", Map.of("file", f.toString()), open ? 1 : 0));
      } catch (IOException | UnsupportedOperationException e) {
        // not a POSIX file system (or gone meanwhile): nothing to judge
        LOG.debug("cannot read the permissions of {}: {}", f, e.getMessage());
      }
    }
    for (Map.Entry<Path, String> e : baseline.entrySet()) {
      String now = Files.exists(e.getKey()) ? sha256(e.getKey()) : "missing";
      out.add(
          new Sample(
              "security.integrity_changed",
              Map.of("file", e.getKey().toString()),
              now.equals(e.getValue()) ? 0 : 1));
    }
    return out;
  }

  private static List<Path> files(List<Path> roots) {
    List<Path> out = new ArrayList<>();
    for (Path root : roots) {
      if (Files.isRegularFile(root)) {
        out.add(root);
      } else if (Files.isDirectory(root)) {
        try (Stream<Path> s = Files.walk(root, 2)) {
          s.filter(Files::isRegularFile).sorted().forEach(out::add);
        } catch (IOException e) {
          // an unreadable directory has nothing to watch
          LOG.warn("cannot watch {} for integrity: {}", root, e.getMessage());
        }
      }
    }
    return out;
  }

  private static String sha256(Path f) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    } catch (IOException e) {
      // an unreadable file counts as changed: its content can no longer be vouched for
      return "unreadable: " + e.getClass().getSimpleName();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
