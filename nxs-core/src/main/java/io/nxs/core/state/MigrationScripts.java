package io.nxs.core.state;

import io.nxs.core.NxsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.resource.classpath.ClassPathResource;

/**
 * Every module's migration scripts ({@code db/<module>/*.sql}) on a class path, found in one pass
 * over its roots (directories and jars), with one fingerprint per module: the SHA-256 of the
 * scripts' names and contents. {@link StateStore} compares it with the fingerprint recorded after
 * the module's last successful Flyway run and starts Flyway only when they differ.
 *
 * <p>Listing a jar's scripts means walking its whole central directory (the daemon's jar has ~48k
 * entries: a tenth of a second of CPU and the JIT's work on {@code java.util.zip} at every start),
 * so a jar's listing is kept ({@link Listings}, in the home) under the jar's path and a stamp of
 * the file (size, modification and status-change times, inode): a restart with the same jar reads
 * the listing back; a jar that was replaced or rewritten has another stamp and is walked again.
 */
final class MigrationScripts {

  /** Where the listings of jars walked before are kept (the store's database). */
  interface Listings {

    /** The scripts listed for {@code jar} when its stamp was {@code stamp}, if kept. */
    Optional<List<String>> find(String jar, String stamp);

    /** Keeps the scripts just listed for {@code jar} with its stamp {@code stamp}. */
    void keep(String jar, String stamp, List<String> scripts);
  }

  private static final String ROOT = "db/";

  /** What {@link ClassLoader#getResources} is asked for: the folder, found in jars and dirs. */
  private static final String FOLDER = "db";

  /** Script paths ({@code db/<module>/V1__x.sql}) by module, sorted. */
  private final Map<String, List<String>> byModule;

  private final ClassLoader loader;

  /**
   * Each module's fingerprint once computed (under the store's lock): the scripts do not change.
   */
  private final Map<String, String> fingerprints = new HashMap<>();

  private MigrationScripts(ClassLoader loader, Map<String, List<String>> byModule) {
    this.loader = loader;
    this.byModule = byModule;
  }

  /**
   * Lists the scripts under {@code db/} of every root of {@code loader}.
   *
   * @throws NxsException when a root cannot be read
   */
  static MigrationScripts scan(ClassLoader loader, Listings listings) {
    Map<String, List<String>> found = new TreeMap<>();
    try {
      for (URL root : Collections.list(loader.getResources(FOLDER))) {
        switch (root.getProtocol()) {
          case "file" -> listDirectory(Path.of(root.toURI()), found);
          case "jar" -> listJar(root, found, listings);
          default -> {
            // Another kind of class path entry: its modules simply always run Flyway.
          }
        }
      }
    } catch (IOException | URISyntaxException e) {
      throw new NxsException("cannot list the migration scripts: " + e.getMessage(), e);
    }
    found.values().forEach(list -> list.sort(null));
    return new MigrationScripts(loader, found);
  }

  private static void listDirectory(Path db, Map<String, List<String>> found) throws IOException {
    try (Stream<Path> files = Files.walk(db)) {
      files
          .filter(Files::isRegularFile)
          .forEach(
              f ->
                  add(
                      found,
                      ROOT
                          + db.relativize(f)
                              .toString()
                              .replace(f.getFileSystem().getSeparator(), "/")));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static void listJar(URL root, Map<String, List<String>> found, Listings listings)
      throws IOException, URISyntaxException {
    URLConnection connection = root.openConnection();
    if (!(connection instanceof JarURLConnection jar)) {
      return;
    }
    URL location = jar.getJarFileURL();
    if (!"file".equals(location.getProtocol())) {
      // A jar that is not a file of its own (nested, remote): walked each time.
      walk(jar.getJarFile()).forEach(name -> add(found, name));
      return;
    }
    Path path = Path.of(location.toURI());
    String stamp = stamp(path);
    Optional<List<String>> kept = listings.find(path.toString(), stamp);
    if (kept.isPresent()) {
      kept.get().forEach(name -> add(found, name));
      return;
    }
    List<String> names;
    // While the class loader holds this jar open, the JDK shares its central directory: no read.
    try (JarFile file = new JarFile(path.toFile())) {
      names = walk(file);
    }
    names.forEach(name -> add(found, name));
    listings.keep(path.toString(), stamp, names);
  }

  private static List<String> walk(JarFile file) {
    return file.stream()
        .filter(e -> !e.isDirectory() && e.getName().startsWith(ROOT))
        .map(e -> e.getName())
        .toList();
  }

  /**
   * What tells one version of a jar file from another without reading it: its size and modification
   * time and, where the file system has them, its status-change time (which no tool can set back,
   * unlike the modification time that {@code cp -p} or {@code touch -r} copy) and its inode (a file
   * replaced by a rename).
   */
  private static String stamp(Path jar) throws IOException {
    BasicFileAttributes basic = Files.readAttributes(jar, BasicFileAttributes.class);
    String stamp =
        basic.size() + "/" + basic.lastModifiedTime().toInstant() + "/" + basic.fileKey();
    try {
      return stamp + "/" + Files.getAttribute(jar, "unix:ctime");
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return stamp; // no POSIX attributes here: size, modification time and file key
    }
  }

  private static void add(Map<String, List<String>> found, String path) {
    // Every file below the module's folder, at any depth: Flyway's scan is recursive, so a
    // script added anywhere there must change the fingerprint.
    String[] parts = path.split("/", 3);
    if (parts.length == 3 && !parts[1].isEmpty()) {
      found.computeIfAbsent(parts[1], m -> new ArrayList<>()).add(path);
    }
  }

  /** The module's script paths, sorted; empty when it has none on this class path. */
  List<String> of(String module) {
    return byModule.getOrDefault(module, List.of());
  }

  /**
   * The module's scripts as Flyway's resources (what its class path scanner would have found under
   * {@code location}), so a Flyway run does not scan the class path again.
   */
  ResourceProvider resources(String module, Location location) {
    List<LoadableResource> all = new ArrayList<>();
    for (String path : of(module)) {
      all.add(new ClassPathResource(location, path, loader, StandardCharsets.UTF_8));
    }
    return new ResourceProvider() {
      @Override
      public LoadableResource getResource(String name) {
        return all.stream()
            .filter(r -> r.getRelativePath().equals(name) || r.getAbsolutePath().equals(name))
            .findFirst()
            .orElse(null);
      }

      @Override
      public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        return all.stream()
            .filter(
                r ->
                    r.getFilename().startsWith(prefix)
                        && Arrays.stream(suffixes).anyMatch(r.getFilename()::endsWith))
            .toList();
      }
    };
  }

  /**
   * The fingerprint of the module's scripts, or empty when it has none (then nothing is skipped).
   */
  String fingerprint(String module) {
    return fingerprints.computeIfAbsent(module, this::digest);
  }

  private String digest(String module) {
    List<String> scripts = of(module);
    if (scripts.isEmpty()) {
      return "";
    }
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
    for (String path : scripts) {
      try (InputStream in = loader.getResourceAsStream(path)) {
        if (in == null) {
          throw new NxsException("migration script " + path + " vanished from the class path");
        }
        sha.update(path.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(in.readAllBytes());
        sha.update((byte) 0);
      } catch (IOException e) {
        throw new NxsException("cannot read migration script " + path + ": " + e.getMessage(), e);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
