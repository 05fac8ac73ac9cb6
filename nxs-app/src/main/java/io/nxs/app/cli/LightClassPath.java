package io.nxs.app.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The light commands' own class path (ADR 0068): a small jar with the packages that {@code
 * StartupTraining cli} loaded classes from, copied out of the application jar. A light command
 * through a running daemon runs with it alone on its class path, so the JDK's class-path service
 * searches ({@code URL}'s protocol handlers, {@code System.Logger}'s finder) read its few thousand
 * entries instead of the application jar's 48k-entry directory (~70 ms of CPU on the path of {@code
 * nxs status}, bench/results/2026-12-07-status-4.md). A class the training never reached is not in
 * it: {@link Main} then runs the command again on the whole jar ({@link LightFallback}).
 *
 * <p>{@code LightClassPath APP-JAR CLASS-LOG OUT-JAR}: CLASS-LOG is {@code
 * -Xlog:class+load:file=...:none} of the training (one loaded class a line, its name first). Every
 * entry of a package a loaded class belongs to is copied (its classes, including the ones the
 * training did not load, and its resources; not its sub-packages), with the multi-release versions
 * of those entries; no {@code META-INF/services} file, so a service search finds only the JDK's.
 */
public final class LightClassPath {

  private static final String VERSIONS = "META-INF/versions/";

  private LightClassPath() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: LightClassPath APP-JAR CLASS-LOG OUT-JAR");
      System.exit(2);
    }
    int copied = write(Path.of(args[0]), packages(Path.of(args[1])), Path.of(args[2]));
    if (copied == 0) {
      System.err.println("nxs: no class of the training is in " + args[0]);
      System.exit(1);
    }
  }

  /** The packages of the classes a class-load log names, as jar directories ({@code a/b/}). */
  static Set<String> packages(Path classLog) throws IOException {
    Set<String> packages = new HashSet<>();
    try (BufferedReader in = Files.newBufferedReader(classLog, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        int end = line.indexOf(' ');
        String name = end < 0 ? line : line.substring(0, end);
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
          packages.add(name.substring(0, dot).replace('.', '/') + "/");
        }
      }
    }
    return packages;
  }

  /**
   * Copies the entries of {@code packages} from {@code appJar} into {@code out} (through a
   * temporary file, so a reader never sees half a jar); returns how many classes it copied.
   */
  static int write(Path appJar, Set<String> packages, Path out) throws IOException {
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.put(Attributes.Name.MULTI_RELEASE, "true");
    main.putValue("Enable-Native-Access", "ALL-UNNAMED");
    Path tmp = out.resolveSibling(out.getFileName() + "." + ProcessHandle.current().pid());
    int classes = 0;
    try (JarFile jar = new JarFile(appJar.toFile());
        OutputStream file = Files.newOutputStream(tmp);
        JarOutputStream copy = new JarOutputStream(file, manifest)) {
      Enumeration<JarEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        JarEntry entry = entries.nextElement();
        if (entry.isDirectory() || !packages.contains(directory(entry.getName()))) {
          continue;
        }
        copy.putNextEntry(new JarEntry(entry.getName()));
        try (InputStream in = jar.getInputStream(entry)) {
          in.transferTo(copy);
        }
        copy.closeEntry();
        if (entry.getName().endsWith(".class")) {
          classes++;
        }
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return classes;
  }

  /**
   * The package directory of an entry ({@code a/b/} for {@code a/b/C.class} and for {@code
   * META-INF/versions/17/a/b/C.class}); empty for one at the top and for the rest of {@code
   * META-INF}.
   */
  static String directory(String name) {
    String path = name;
    if (path.startsWith(VERSIONS)) {
      int slash = path.indexOf('/', VERSIONS.length());
      path = slash < 0 ? "" : path.substring(slash + 1);
    } else if (path.startsWith("META-INF/")) {
      return "";
    }
    int last = path.lastIndexOf('/');
    return last < 0 ? "" : path.substring(0, last + 1);
  }
}
