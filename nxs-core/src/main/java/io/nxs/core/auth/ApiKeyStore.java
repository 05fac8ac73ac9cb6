package io.nxs.core.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.log.Redaction;
import io.nxs.core.state.StateStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * API keys (SEC2): made with 256 random bits, stored only as SHA-256 hashes, scoped, expiring.
 *
 * <p>A plain SHA-256 suits here, unlike for passwords: the keys are random and long, so there is
 * nothing to guess from the hash. Every create and revoke is an audit event (SEC6).
 *
 * <p>Every request passes {@link #authenticate}, so keys that authenticated are remembered by hash
 * for {@link #CACHE_TTL}; expiry is still checked against the clock on every call, and a revoke
 * through this store takes effect at once, also for a check that was reading the key's row while
 * the revoke was written (it is not remembered). A revoke written by another process (the offline
 * CLI) reaches a running daemon within {@link #CACHE_TTL}. A request already admitted runs to its
 * end.
 *
 * <p>The owner key (SEC5) is the admin key whose secret NXS keeps in {@code keys/admin.key} in the
 * home: made by {@link #createOwner} on first start and re-claimed by {@link #claimOwner} at every
 * start, so exactly one key, the one in that file, is the owner.
 */
public final class ApiKeyStore {

  /** Every key starts with this, so scanners and the log redactor can recognise one. */
  public static final String PREFIX = "nxs_";

  /** How long a running daemon may go on accepting a key revoked by another process. */
  public static final Duration CACHE_TTL = Duration.ofSeconds(2);

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Never used itself: {@link #sha256()} clones it. */
  private static final MessageDigest SHA256 = newSha256();

  private final StateStore store;
  private final AuditTrail audit;
  private final Clock clock;
  private final Cache<String, ApiKey> known;
  private final AtomicLong revokes = new AtomicLong();

  public ApiKeyStore(StateStore store, AuditTrail audit, Clock clock) {
    this.store = store;
    this.audit = audit;
    this.clock = clock;
    this.known =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(CACHE_TTL)
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .build();
  }

  /**
   * Makes a key.
   *
   * @param ttl how long it works, or null for no expiry
   * @param actor who asked, for the audit log
   */
  public CreatedKey create(Scope scope, String name, Duration ttl, String actor) {
    return create(scope, name, ttl, actor, false);
  }

  /**
   * Makes the owner key: an admin key that never expires and that, alone among the keys, admin
   * routes accept during a lockdown. Any other key stops being the owner.
   *
   * @param actor who asked, for the audit log
   */
  public CreatedKey createOwner(String name, String actor) {
    return create(Scope.ADMIN, name, null, actor, true);
  }

  private CreatedKey create(Scope scope, String name, Duration ttl, String actor, boolean owner) {
    if (name == null || name.isBlank() || name.length() > 100) {
      throw new NxsException("a key name must be 1 to 100 characters, but was '" + name + "'");
    }
    if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
      throw new NxsException("a key's expiry must be in the future, but was " + ttl);
    }
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Redaction.register(secret);
    byte[] idBytes = new byte[5];
    RANDOM.nextBytes(idBytes);
    String id = "k_" + HexFormat.of().formatHex(idBytes);
    Instant now = clock.instant();
    Instant expires = ttl == null ? null : now.plus(ttl);
    try (Connection c = store.connect();
        PreparedStatement clear = c.prepareStatement("UPDATE api_keys SET owner = 0");
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO api_keys (id, name, scope, key_hash, created_at, expires_at, owner)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      c.setAutoCommit(false);
      if (owner) {
        clear.executeUpdate();
      }
      ps.setString(1, id);
      ps.setString(2, name);
      ps.setString(3, scope.label());
      ps.setString(4, hash(secret));
      ps.setLong(5, now.toEpochMilli());
      if (expires == null) {
        ps.setNull(6, Types.INTEGER);
      } else {
        ps.setLong(6, expires.toEpochMilli());
      }
      ps.setInt(7, owner ? 1 : 0);
      ps.executeUpdate();
      c.commit();
    } catch (SQLException e) {
      throw new NxsException("cannot store the new key: " + e.getMessage(), e);
    } finally {
      if (owner) {
        known.invalidateAll();
      }
    }
    ApiKey key = new ApiKey(id, name, scope, now, expires, null, owner);
    audit.append(
        new AuditEvent(
            "admin.key_create",
            Severity.MEDIUM,
            actor,
            id,
            Map.of(
                "name",
                name,
                "scope",
                scope.label(),
                "expires_at",
                expires == null ? "never" : expires.toString(),
                "owner",
                owner)));
    return new CreatedKey(key, secret);
  }

  /**
   * Makes the key behind {@code secret} the owner key, and no other, when it is a valid admin key.
   * Audited only when the owner changes.
   *
   * @return the owner key, or empty when the secret is not a valid admin key (nothing changed)
   */
  public Optional<ApiKey> claimOwner(String secret, String actor) {
    Optional<ApiKey> key = authenticate(secret).filter(k -> k.scope() == Scope.ADMIN);
    if (key.isEmpty() || key.get().owner()) {
      return key;
    }
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement("UPDATE api_keys SET owner = CASE WHEN id = ? THEN 1 ELSE 0 END")) {
      ps.setString(1, key.get().id());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new NxsException("cannot record the owner key: " + e.getMessage(), e);
    } finally {
      known.invalidateAll();
    }
    audit.append(
        new AuditEvent(
            "admin.key_owner", Severity.MEDIUM, actor, key.get().id(), Map.of("source", "keys")));
    return authenticate(secret);
  }

  /**
   * The key a bearer token belongs to when it is known and valid now without reading the database
   * (a key authenticated before and not revoked since); empty when it is unknown here, and only
   * {@link #authenticate} can say.
   */
  public Optional<ApiKey> authenticateFromMemory(String secret) {
    if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 200) {
      return Optional.empty();
    }
    ApiKey key = known.getIfPresent(hash(secret));
    return key != null && key.validAt(clock.instant()) ? Optional.of(key) : Optional.empty();
  }

  /** The key a bearer token belongs to, if it is known and valid now. */
  public Optional<ApiKey> authenticate(String secret) {
    if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 200) {
      return Optional.empty();
    }
    String hash = hash(secret);
    ApiKey key = known.getIfPresent(hash);
    if (key == null) {
      long revokesBefore = revokes.get();
      key = load(hash).orElse(null);
      if (key == null) {
        return Optional.empty();
      }
      // A revoke that ran while the row was read may not be in it: use it once, never remember it.
      if (revokes.get() == revokesBefore) {
        known.put(hash, key);
      }
    }
    return key.validAt(clock.instant()) ? Optional.of(key) : Optional.empty();
  }

  private Optional<ApiKey> load(String hash) {
    try (Connection c = store.connect();
        PreparedStatement ps = c.prepareStatement(SELECT + " WHERE key_hash = ?")) {
      ps.setString(1, hash);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new NxsException("cannot check an API key: " + e.getMessage(), e);
    }
  }

  /** Every key, newest first, revoked and expired ones included. */
  public List<ApiKey> list() {
    try (Connection c = store.connect();
        PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY created_at DESC, id");
        ResultSet rs = ps.executeQuery()) {
      List<ApiKey> keys = new ArrayList<>();
      while (rs.next()) {
        keys.add(read(rs));
      }
      return keys;
    } catch (SQLException e) {
      throw new NxsException("cannot list API keys: " + e.getMessage(), e);
    }
  }

  /**
   * Revokes a key at once.
   *
   * @throws NxsException when no key has that id or it is already revoked
   */
  public ApiKey revoke(String id, String actor) {
    return revoke(id, actor, null, false);
  }

  /**
   * Revokes a key at once and records why; a key believed stolen is also audited as {@code
   * security.key_compromise} (critical). NXS issued the key, so from now on no NXS process accepts
   * it: this is a real revocation, not only NXS no longer using it.
   *
   * @param reason one line, recorded in the audit entries; null when none was given
   * @param compromised whether the key is believed stolen ({@code reason} is then required)
   * @throws NxsException when no key has that id or it is already revoked, or the reason is missing
   *     or not one line of at most 200 characters
   */
  public ApiKey revoke(String id, String actor, String reason, boolean compromised) {
    String why = reason == null ? null : reason.strip();
    if (why != null
        && (why.isEmpty() || why.length() > 200 || why.chars().anyMatch(Character::isISOControl))) {
      throw new NxsException("the reason must be one line of 1 to 200 characters");
    }
    if (compromised && why == null) {
      throw new NxsException("a compromised key needs a reason: say what happened");
    }
    Instant now = clock.instant();
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
      ps.setLong(1, now.toEpochMilli());
      ps.setString(2, id);
      if (ps.executeUpdate() == 0) {
        boolean exists = list().stream().anyMatch(k -> k.id().equals(id));
        throw new NxsException(
            exists
                ? "key " + id + " is already revoked"
                : "no key has id '" + id + "': see nxs key list");
      }
    } catch (SQLException e) {
      throw new NxsException("cannot revoke key " + id + ": " + e.getMessage(), e);
    } finally {
      // After the write, in this order: a check that read the row before it either sees the count
      // change and does not remember what it read, or remembered it before the cache is emptied.
      revokes.incrementAndGet();
      known.invalidateAll();
    }
    audit.append(
        new AuditEvent(
            "admin.key_revoke",
            Severity.MEDIUM,
            actor,
            id,
            why == null ? Map.of() : Map.of("reason", why)));
    if (compromised) {
      audit.append(
          new AuditEvent(
              "security.key_compromise",
              Severity.CRITICAL,
              actor,
              id,
              Map.of(
                  "kind",
                  "nxs_api_key",
                  "reason",
                  why,
                  "action",
                  "revoked: every NXS process refuses this key from now on")));
    }
    return list().stream().filter(k -> k.id().equals(id)).findFirst().orElseThrow();
  }

  private static final String SELECT =
      "SELECT id, name, scope, created_at, expires_at, revoked_at, owner FROM api_keys";

  private static ApiKey read(ResultSet rs) throws SQLException {
    return new ApiKey(
        rs.getString("id"),
        rs.getString("name"),
        Scope.parse(rs.getString("scope")),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        instantOrNull(rs, "expires_at"),
        instantOrNull(rs, "revoked_at"),
        rs.getInt("owner") == 1);
  }

  private static Instant instantOrNull(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  static String hash(String secret) {
    return HexFormat.of().formatHex(sha256().digest(secret.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A fresh SHA-256 digest, cloned from one made at start-up: every request hashes its bearer key,
   * and {@code MessageDigest.getInstance} looks the algorithm up in the providers and checks the
   * crypto constraints each time (2.5 % of a proxied request's samples at 512 connections,
   * bench/results/2026-12-07-gateway-profile.md).
   */
  private static MessageDigest sha256() {
    try {
      return (MessageDigest) SHA256.clone();
    } catch (CloneNotSupportedException e) {
      return newSha256(); // a provider whose digest does not clone
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
