package io.nxs.core.audit;

import io.nxs.core.Severity;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Something worth a permanent, signed record (SPEC AU1): who did what to what.
 *
 * @param type dotted lower-case type from the taxonomy, e.g. {@code security.lockout}
 * @param severity how bad it is
 * @param actor who did it: a key id, {@code nxs}, a user, an instance name
 * @param target what it was done to: a key id, a provider, an address
 * @param details small, JSON-able facts; never a secret value
 */
public record AuditEvent(
    String type, Severity severity, String actor, String target, Map<String, Object> details) {

  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");

  public AuditEvent {
    if (type == null || !TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException(
          "audit event type must be dotted lower case like 'security.lockout', but was '"
              + type
              + "'");
    }
    Objects.requireNonNull(severity, "severity");
    actor = actor == null ? "nxs" : actor;
    target = target == null ? "" : target;
    details = details == null ? Map.of() : Map.copyOf(details);
  }

  public static AuditEvent of(String type, Severity severity, String actor, String target) {
    return new AuditEvent(type, severity, actor, target, Map.of());
  }
}
