package io.nxs.archfixture.alpha.one;

import io.nxs.archfixture.alpha.two.Second;

/** Half of a cycle inside module {@code alpha}: {@code one} → {@code two} → {@code one}. */
public final class First {

  private First() {}

  public static int next() {
    return Second.back() + 1;
  }

  public static int base() {
    return 1;
  }
}
