package io.nxs.core.auth;

import java.time.Instant;

/**
 * An API key's record; the key itself is never stored.
 *
 * @param id short public identifier, safe to log
 * @param name what the operator called it
 * @param scope what it may do
 * @param createdAt when it was made
 * @param expiresAt when it stops working, or null for never
 * @param revokedAt when it was revoked, or null
 * @param owner whether it is the owner key: the one NXS keeps in {@code keys/admin.key} in the
 *     home, the only key admin routes accept during a lockdown (SEC5)
 */
public record ApiKey(
    String id,
    String name,
    Scope scope,
    Instant createdAt,
    Instant expiresAt,
    Instant revokedAt,
    boolean owner) {

  /** A key that is not the owner key. */
  public ApiKey(
      String id,
      String name,
      Scope scope,
      Instant createdAt,
      Instant expiresAt,
      Instant revokedAt) {
    this(id, name, scope, createdAt, expiresAt, revokedAt, false);
  }

  /** Whether it authenticates at {@code now}. */
  public boolean validAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }
}
