package io.nxs.archfixture.alpha.internal;

/** An internal class of the module {@code alpha}. */
public final class Hidden {

  private Hidden() {}

  /** Something another module should not reach for. */
  public static int answer() {
    return 42;
  }
}
