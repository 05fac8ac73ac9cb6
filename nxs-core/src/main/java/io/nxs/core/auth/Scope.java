package io.nxs.core.auth;

import io.javalin.security.RouteRole;
import io.nxs.core.NxsException;
import java.util.Locale;

/**
 * What an API key may do (SEC2). Routes are tagged with the scope they need; an admin key may do
 * everything a read key may.
 */
public enum Scope implements RouteRole {
  /** Read state and call the model gateway. */
  READ,
  /** Change things: keys, approvals, rotations, restores. */
  ADMIN;

  /** The lower-case name used in the CLI and in JSON. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a key of this scope may use a route that needs {@code needed}. */
  public boolean allows(Scope needed) {
    return this == ADMIN || needed == READ;
  }

  /**
   * @throws NxsException when the text is neither {@code read} nor {@code admin}
   */
  public static Scope parse(String text) {
    for (Scope s : values()) {
      if (s.label().equalsIgnoreCase(text)) {
        return s;
      }
    }
    throw new NxsException("scope must be 'read' or 'admin', but was '" + text + "'");
  }
}
