package io.nxs.app.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code nxs} entry point. It only exits; {@link #run} does the work. The one place the CLI
 * takes the system clock: every command reads time from the clock handed down from here.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    ParallelStart.begin(args);
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    String launcher = System.getProperty(LightFallback.LAUNCHER);
    if (launcher != null) {
      System.exit(LightFallback.run(launcher, System.getenv(), Clock.systemUTC(), out, err, args));
    }
    System.exit(run(System.getenv(), Clock.systemUTC(), out, err, args));
  }

  /**
   * Runs one command line: a plain {@code nxs serve} ({@link ServeCommand#plain}) straight into the
   * daemon, without building picocli's model (a tenth of the main thread's start, ADR 0063); every
   * other command line, help and errors included, through {@link Cli}.
   */
  static int run(
      Map<String, String> env, Clock clock, PrintWriter out, PrintWriter err, String... args) {
    Optional<GlobalOptions> serve = ServeCommand.plain(env, clock, args);
    if (serve.isEmpty()) {
      return new Cli(env, clock).run(out, err, args);
    }
    int code;
    try {
      code = ServeCommand.serve(serve.get(), out);
    } catch (RuntimeException e) {
      code = Cli.failed(e, serve.get().verbose, err);
    }
    out.flush();
    err.flush();
    return code;
  }
}
