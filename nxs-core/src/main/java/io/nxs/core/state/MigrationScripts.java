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
 */
final class MigrationScripts {

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
  static MigrationScripts scan(ClassLoader loader) {
    Map<String, List<String>> found = new TreeMap<>();
    try {
      for (URL root : Collections.list(loader.getResources(FOLDER))) {
        switch (root.getProtocol()) {
          case "file" -> listDirectory(Path.of(root.toURI()), found);
          case "jar" -> listJar(root, found);
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

  private static void listJar(URL root, Map<String, List<String>> found) throws IOException {
    URLConnection connection = root.openConnection();
    if (!(connection instanceof JarURLConnection jar)) {
      return;
    }
    // The class loader keeps this jar open already: the JDK's cache hands back the same JarFile.
    JarFile file = jar.getJarFile();
    file.stream()
        .filter(e -> !e.isDirectory() && e.getName().startsWith(ROOT))
        .forEach(e -> add(found, e.getName()));
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
