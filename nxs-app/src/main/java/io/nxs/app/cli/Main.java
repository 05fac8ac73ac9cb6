package io.nxs.app.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * The {@code nxs} entry point. It only exits; {@link Cli#run} does the work. The one place the CLI
 * takes the system clock: every command reads time from the clock handed down from here.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    ParallelStart.begin(args);
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(new Cli(System.getenv(), Clock.systemUTC()).run(out, err, args));
  }
}
