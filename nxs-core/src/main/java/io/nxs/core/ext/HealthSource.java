package io.nxs.core.ext;

/** Something whose health the Doctor watches and the dashboard shows, e.g. one provider. */
public interface HealthSource {

  /** Unique name, e.g. {@code provider.kimi-primary}. */
  String name();

  /** The current health; must be quick. */
  Health check();

  /** Health states, best first. */
  enum Status {
    UP,
    DEGRADED,
    DOWN
  }

  /**
   * @param status the state
   * @param detail one line for operators, e.g. the last failure reason
   */
  record Health(Status status, String detail) {}
}
