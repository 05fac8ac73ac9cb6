package io.nxs.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What the drill tests compare to show a drill left the live home alone. */
final class LiveHome {

  private LiveHome() {}

  /**
   * Every path under {@code root} with its size, sorted, but the record of a drill run: state.db
   * (drill_runs, audit) and, in a home NXS never served, the audit chain's signing key its first
   * entry creates. The rest must stay as it was.
   */
  static List<String> tree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> !isRecordOfTheRun(root.relativize(p).toString()))
          .map(p -> root.relativize(p) + " " + p.toFile().length())
          .sorted()
          .toList();
    }
  }

  private static boolean isRecordOfTheRun(String path) {
    return path.startsWith("state.db") || path.startsWith("keys/audit-signing.");
  }
}
