package io.nxs.core.ext;

/**
 * Start, stop and status of a service the Doctor supervises, e.g. {@code openclaw} (its gateway),
 * for modules that must act on it without knowing how it runs (a command, a systemd unit, a child
 * process). The Doctor registers one per supervised service; a stop through here is not a failure
 * for the Doctor to heal, and a start honours every {@link PrimaryGuard}.
 */
public interface ServiceControl {

  /** The service's name as configured for the Doctor, e.g. {@code openclaw}. */
  String name();

  /** Whether the service answers its probe now. */
  boolean running();

  /**
   * Stops the service and keeps it stopped (no restart by supervision) until {@link #start}.
   *
   * @return what happened, one line
   */
  HealingAction.Outcome stop(String reason);

  /**
   * Starts the service if every primary guard allows it.
   *
   * @return what happened, one line; a refusal names the guard's reason
   */
  HealingAction.Outcome start(String reason);
}
