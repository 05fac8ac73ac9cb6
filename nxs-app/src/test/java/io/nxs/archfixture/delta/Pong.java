package io.nxs.archfixture.delta;

import io.nxs.archfixture.gamma.Ping;

/** The other end of the cycle between {@code gamma} and {@code delta}. */
public final class Pong {

  private Pong() {}

  public static String pong() {
    return "pong " + Ping.name();
  }

  public static String name() {
    return "delta";
  }
}
