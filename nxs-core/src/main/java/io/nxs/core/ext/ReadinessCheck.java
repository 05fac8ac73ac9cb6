package io.nxs.core.ext;

/** One module's answer to "can you serve?", shown by {@code GET /readyz}. */
public interface ReadinessCheck {

  /** The module name, e.g. {@code audit}. */
  String name();

  /** The current answer; must be quick. */
  Readiness check();

  /**
   * @param ready whether the module can serve
   * @param detail one line, e.g. why not
   */
  record Readiness(boolean ready, String detail) {
    public static Readiness ok() {
      return new Readiness(true, "ok");
    }
  }
}
