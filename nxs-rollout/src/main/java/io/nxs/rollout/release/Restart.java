package io.nxs.rollout.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A restart of the daemon into an installed release, and the contract with the launcher's
 * supervising loop ({@code dist/supervise}, sourced by {@code bin/nxs} and {@code ./nxs}) that does
 * it.
 *
 * <p>The loop runs {@code nxs serve} as its child with {@link #FILE_ENV} naming a file. To restart,
 * the daemon writes this restart there (the launcher to run next, the release to go back to), stops
 * gracefully and exits with {@link #EXIT_CODE}; the loop then starts {@code launcher serve} with
 * the same arguments, on the same home and port. Should that version exit non-zero again and again
 * (a crash loop: {@code NXS_CRASH_LOOP_STARTS} times within {@code NXS_CRASH_LOOP_SECONDS}), the
 * loop points {@code current} back at {@code fallback} with an atomic rename, records why in {@link
 * #CRASH_LOOP_FILE} of the install root, and starts that one.
 *
 * @param launcher the launcher to run next, {@code ROOT/current/bin/nxs}
 * @param fallback the release directory to go back to should it crash-loop, e.g. {@code
 *     ROOT/nxs-0.2.0}; empty for none
 */
public record Restart(Path launcher, Optional<Path> fallback) {

  /**
   * The daemon's exit code that asks the supervising loop for a restart; a loop that cannot do it
   * exits with it too, and {@code dist/systemd/nxs.service} restarts on it ({@code
   * RestartForceExitStatus=75}). 75 is EX_TEMPFAIL: "try again".
   */
  public static final int EXIT_CODE = 75;

  /** The environment variable naming the file the loop reads a restart from. */
  public static final String FILE_ENV = "NXS_RESTART_FILE";

  /** In the install root: the version that crash-looped, the one put back, and why. */
  public static final String CRASH_LOOP_FILE = ".crash-loop";

  /**
   * Whether a supervising loop runs this process: only then does a restart start it again.
   *
   * @param env the process environment
   */
  public static boolean supervised(Map<String, String> env) {
    String file = env.get(FILE_ENV);
    return file != null && !file.isBlank();
  }

  /**
   * Hands the restart to the loop: writes the file it named (one line per path). Call it just
   * before exiting with {@link #EXIT_CODE}.
   *
   * @throws UncheckedIOException when the file cannot be written
   */
  public void handOver(Map<String, String> env) {
    String file = env.get(FILE_ENV);
    if (file == null || file.isBlank()) {
      throw new IllegalStateException("no supervising loop runs this process (" + FILE_ENV + ")");
    }
    String text = launcher + "\n" + fallback.map(Path::toString).orElse("") + "\n";
    try {
      Files.writeString(Path.of(file), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hand the restart over in " + file, e);
    }
  }

  /**
   * What the loop recorded in an install root when it put a crash-looping version back.
   *
   * @param version the version that crash-looped
   * @param restored the version it put back
   * @param reason one line, e.g. "nxs-0.3.0 exited 3 times within 60 s (last: exit 1)"
   */
  public record CrashLoop(String version, String restored, String reason) {

    /** The record in {@code root}, if the loop left one. */
    public static Optional<CrashLoop> read(Path root) {
      List<String> lines;
      try {
        lines = Files.readAllLines(root.resolve(CRASH_LOOP_FILE), StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        return Optional.empty();
      } catch (IOException e) {
        throw new ReleaseException(
            root.resolve(CRASH_LOOP_FILE) + ": cannot read (" + e.getMessage() + ")", e);
      }
      if (lines.size() < 3) {
        throw new ReleaseException(
            root.resolve(CRASH_LOOP_FILE) + ": not a crash-loop record (3 lines expected)");
      }
      return Optional.of(
          new CrashLoop(lines.get(0).strip(), lines.get(1).strip(), lines.get(2).strip()));
    }
  }
}
