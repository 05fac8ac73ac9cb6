package io.nxs.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A throw-away NXS home directory for one test; deleted on close. */
public final class TempHome implements AutoCloseable {

  private final Path dir;

  private TempHome(Path dir) {
    this.dir = dir;
  }

  /** Creates an empty home under the system temporary directory. */
  public static TempHome create() {
    try {
      return new TempHome(Files.createTempDirectory("nxs-home-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The home directory. */
  public Path path() {
    return dir;
  }

  /** A path inside the home. */
  public Path resolve(String relative) {
    return dir.resolve(relative);
  }

  @Override
  public void close() {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
