package io.nxs.archfixture.beta;

import io.nxs.archfixture.alpha.internal.Hidden;

/** Module {@code beta} reaching into {@code alpha}'s internals: breaks the internal rule. */
public final class Reacher {

  private Reacher() {}

  public static int borrow() {
    return Hidden.answer();
  }
}
