package io.nxs.archfixture.alpha;

/** Writes to the console outside the CLI: breaks the console rule. */
public final class Printer {

  private Printer() {}

  public static void shout(String line) {
    System.out.println(line);
  }
}
