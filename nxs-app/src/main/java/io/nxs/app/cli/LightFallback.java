package io.nxs.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A light command on the light class path ({@link LightClassPath}, ADR 0068): the launcher starts
 * it so when the command line is a plain light command and the home's daemon runs, and names itself
 * in {@value #LAUNCHER}. The command's output is held until it is done; should it reach a class the
 * light class path does not hold (a path the training never took: the daemon stopped meanwhile, an
 * answer of a kind it never saw), that output is dropped and the launcher runs the same command
 * line again on the whole jar ({@value #OFF}=0), whose output and exit code are the command's.
 * Every light command only reads, so running it twice changes nothing.
 */
final class LightFallback {

  /** The system property that names the launcher to run again on a miss. */
  static final String LAUNCHER = "nxs.launcher";

  /** The environment variable that keeps the launcher off the light class path. */
  static final String OFF = "NXS_LIGHT_CLASS_PATH";

  private LightFallback() {}

  /** Runs {@code args} here when it can, else through {@code launcher}: the exit code. */
  static int run(
      String launcher,
      Map<String, String> env,
      Clock clock,
      PrintWriter out,
      PrintWriter err,
      String... args) {
    Optional<LightCommand> light = LightCommand.parse(args);
    if (light.isPresent()) {
      StringWriter heldOut = new StringWriter();
      StringWriter heldErr = new StringWriter();
      int code;
      try {
        code = light.get().run(env, clock, new PrintWriter(heldOut), new PrintWriter(heldErr));
      } catch (LinkageError missing) {
        return again(launcher, err, args);
      }
      out.print(heldOut);
      out.flush();
      err.print(heldErr);
      err.flush();
      return code;
    }
    return again(launcher, err, args);
  }

  /** The command line through the launcher on the whole jar, in this process's place. */
  private static int again(String launcher, PrintWriter err, String... args) {
    List<String> command = new ArrayList<>(List.of(launcher));
    command.addAll(List.of(args));
    ProcessBuilder again = new ProcessBuilder(command).inheritIO();
    again.environment().put(OFF, "0");
    try {
      return again.start().waitFor();
    } catch (IOException e) {
      err.println("nxs: cannot run " + launcher + ": " + e.getMessage());
      err.flush();
      return ExitCode.PROBLEM;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCode.PROBLEM;
    }
  }
}
