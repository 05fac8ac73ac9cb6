package io.nxs.core.audit;

/**
 * Where modules record audit events. The audit module implements it; every other module only sees
 * this port.
 */
public interface AuditTrail {

  /**
   * Appends an event and returns only once it is durable (survives a SIGKILL right after).
   *
   * @return the entry's sequence number
   * @throws io.nxs.core.NxsException when it could not be made durable
   */
  long append(AuditEvent event);

  /**
   * The chain's current signed head, for a copy kept off the machine ({@link CheckpointStore});
   * empty for a trail that signs nothing or has no entry yet.
   */
  default java.util.Optional<AuditCheckpoint> checkpoint() {
    return java.util.Optional.empty();
  }
}
