package io.nxs.archfixture.gamma;

import io.nxs.archfixture.delta.Pong;

/** Module {@code gamma} depends on {@code delta}, which depends back: a cycle between modules. */
public final class Ping {

  private Ping() {}

  public static String ping() {
    return "ping " + Pong.name();
  }

  public static String name() {
    return "gamma";
  }
}
