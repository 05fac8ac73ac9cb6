package io.nxs.archfixture.alpha.two;

import io.nxs.archfixture.alpha.one.First;

/** The other half of the cycle inside module {@code alpha}. */
public final class Second {

  private Second() {}

  public static int back() {
    return First.base();
  }
}
