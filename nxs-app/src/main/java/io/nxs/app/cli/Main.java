package io.nxs.app.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The {@code nxs} entry point. It only exits; {@link Cli#run} does the work. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(new Cli(System.getenv()).run(out, err, args));
  }
}
