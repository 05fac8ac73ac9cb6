package io.nxs.gateway.internal;

import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.http.ApiException;
import io.nxs.core.log.Redaction;
import io.nxs.core.secrets.Secrets;
import io.nxs.gateway.FailoverConfig;
import io.nxs.gateway.GatewayEvent;
import io.nxs.gateway.ProviderConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credential rotation with overlap (GW7, seed 000 section 1): {@code rotate} starts an overlap in
 * which the new key is tried first and the old one on an auth failure; {@link #evaluate()} at the
 * end of the overlap promotes the new key (success rate at or above {@code rotation_min_success})
 * or extends the overlap and raises an alert; {@code rotate --emergency} switches at once and
 * retires the old key ({@code security.key_compromise}). Keys live in the gateway's section of
 * {@code secrets.yaml} ({@link ProviderSecrets}), whose owner, core's {@link Secrets}, hot-reloads
 * it and tells this class of a valid change or of a rejected one.
 */
final class CredentialRotation {

  private static final Logger LOG = LoggerFactory.getLogger(CredentialRotation.class);

  /** What a rotation did, for the API (never a key). */
  record Result(String provider, String mode, Instant overlapUntil, String credentialState) {}

  /**
   * What a revoke did, for the API (never a key).
   *
   * @param provider the provider
   * @param fingerprints truncated SHA-256 of each key dropped, to match it in the provider's
   *     console
   * @param replacement {@code obtained} (the rotation command gave a new key, in use now), {@code
   *     failed} (it was run and gave none) or {@code none} (no command is configured)
   * @param problem why the command gave no key; null otherwise
   * @param stillInConfig whether a dropped key is also written in {@code nxs.yaml} (or the
   *     environment it expands), which NXS does not rewrite
   * @param credentialState {@code single} or {@code none}
   */
  record Revocation(
      String provider,
      List<String> fingerprints,
      String replacement,
      String problem,
      boolean stillInConfig,
      String credentialState) {}

  /** What "revoked" means for a provider key, in the audit entry and for the operator. */
  static final String REVOKED_MEANS =
      "NXS stopped using the key at once and removed it from its secrets; only the provider can"
          + " make it stop working: revoke it in the provider's console too";

  private final Secrets secrets;
  private final Map<String, ProviderRuntime> providers;
  private final FailoverConfig failover;
  private final Telemetry telemetry;
  private final Set<String> managed = ConcurrentHashMap.newKeySet();

  CredentialRotation(
      Secrets secrets,
      Map<String, ProviderRuntime> providers,
      FailoverConfig failover,
      Telemetry telemetry) {
    this.secrets = secrets;
    this.providers = providers;
    this.failover = failover;
    this.telemetry = telemetry;
  }

  /**
   * Applies the secrets file at start.
   *
   * @throws NxsException when the file is invalid (the daemon then does not start)
   */
  void start() {
    apply(
        secrets.bind(
            ProviderSecrets.SECTION,
            ProviderSecrets.onlyProviders(providers.keySet()),
            new Secrets.Listener<>() {
              @Override
              public void changed(ProviderSecrets value) {
                reloaded(value);
              }

              @Override
              public void rejected(String reason) {
                LOG.warn(
                    "rejected a change to {} and kept the last good credentials: {}",
                    secrets.path(),
                    reason);
                telemetry.audit(
                    "provider.secrets_rejected",
                    Severity.HIGH,
                    secrets.path().toString(),
                    Map.of("reason", reason, "kept", "last good version"));
              }
            }));
  }

  private void apply(ProviderSecrets entries) {
    Instant now = telemetry.clock().instant();
    entries
        .byName()
        .forEach(
            (name, e) -> {
              Redaction.register(e.apiKey());
              Redaction.register(e.apiKeyNext());
              ProviderRuntime p = providers.get(name);
              Instant until =
                  e.overlapUntil() != null
                      ? e.overlapUntil()
                      : now.plus(failover.rotationOverlap());
              p.credentials().set(e.apiKey(), e.apiKeyNext(), until);
              managed.add(name);
            });
  }

  private void reloaded(ProviderSecrets value) {
    apply(value);
    LOG.info("reloaded provider credentials from {}", secrets.path());
    telemetry.audit(
        "provider.secrets_reloaded", Severity.INFO, secrets.path().toString(), Map.of());
  }

  /**
   * Hot reload (GW7): asks the owner of {@code secrets.yaml} to look now (the daemon also asks
   * every two seconds); a valid change arrives through {@link #reloaded}, a rejected one is
   * audited.
   */
  void reloadIfChanged() {
    secrets.reloadIfChanged();
  }

  /**
   * Rotates a provider's key.
   *
   * @param emergency switch at once and retire the old key, instead of an overlap
   * @throws ApiException 404 for an unknown provider, 400 for an unusable key
   */
  synchronized Result rotate(String provider, String newKey, boolean emergency, String actor) {
    return rotate(provider, newKey, emergency, actor, null);
  }

  /**
   * Rotates a provider's key and records why.
   *
   * @param reason recorded in the audit entry; null when none was given
   * @see #rotate(String, String, boolean, String)
   */
  synchronized Result rotate(
      String provider, String newKey, boolean emergency, String actor, String reason) {
    ProviderRuntime p = providers.get(provider);
    if (p == null) {
      throw ApiException.notFound(
          "no provider named '" + provider + "' (see GET /api/v1/providers)");
    }
    String key = newKey == null ? "" : newKey.strip();
    if (key.isEmpty() || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw ApiException.badRequest(
          "the new key is empty or contains spaces or control characters");
    }
    Credentials c = p.credentials();
    if (key.equals(c.current()) || key.equals(c.next())) {
      throw ApiException.badRequest("the new key is already in use by " + provider);
    }
    Instant now = telemetry.clock().instant();
    managed.add(provider);
    if (emergency) {
      List<String> retired = new ArrayList<>();
      if (c.current() != null) {
        retired.add(c.current());
      }
      if (c.next() != null) {
        retired.add(c.next());
      }
      c.replace(key);
      persist();
      // A compromised key must not survive in the copies kept beside secrets.yaml either.
      retired.forEach(secrets::forget);
      telemetry.auditNow(
          "security.key_compromise",
          Severity.CRITICAL,
          actor,
          provider,
          withReason(Map.of("action", "emergency rotation: old key retired at once"), reason));
      telemetry.credentialSwitched(
          provider, Credentials.CURRENT, Credentials.CURRENT, "emergency rotation");
      return new Result(provider, "emergency", null, c.state());
    }
    Instant until = now.plus(failover.rotationOverlap());
    c.startOverlap(key, until);
    persist();
    telemetry.auditNow(
        "provider.key_rotation_started",
        Severity.MEDIUM,
        actor,
        provider,
        withReason(Map.of("overlap_until", until.toString()), reason));
    telemetry.credentialSwitched(
        provider,
        Credentials.CURRENT,
        Credentials.NEXT,
        "rotation started; old key kept as fallback");
    return new Result(provider, "overlap", until, c.state());
  }

  /**
   * Compromise response (SEC5): drops the provider's keys at once (no overlap), rewrites {@code
   * secrets.yaml} without them and deletes the copies beside it that still hold them, audits {@code
   * security.key_compromise}, and then runs the configured rotation command, if any, for a new key
   * that is used at once. Until a new key arrives the provider is called without one (it answers
   * 401 and the gateway fails over).
   *
   * @param reason why, required: one line of at most 200 characters
   * @throws ApiException 404 for an unknown provider, 400 for a bad reason, 409 when the provider
   *     has no key to revoke
   */
  Revocation revoke(String provider, String actor, String reason) {
    String why = reason == null ? "" : reason.strip();
    if (why.isEmpty() || why.length() > 200 || why.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.badRequest("the reason must be one line of 1 to 200 characters");
    }
    ProviderRuntime p = providers.get(provider);
    if (p == null) {
      throw ApiException.notFound(
          "no provider named '" + provider + "' (see GET /api/v1/providers)");
    }
    List<String> dropped = new ArrayList<>();
    synchronized (this) {
      Credentials c = p.credentials();
      if (c.current() != null) {
        dropped.add(c.current());
      }
      if (c.next() != null) {
        dropped.add(c.next());
      }
      if (dropped.isEmpty()) {
        throw new ApiException(
            409, "invalid_request_error", "no_key", provider + " has no key to revoke");
      }
      c.set(null, null, null);
      managed.add(provider);
      persist();
      dropped.forEach(secrets::forget);
    }
    boolean inConfig =
        dropped.contains(p.config().apiKey()) || dropped.contains(p.config().apiKeyNext());
    List<String> fingerprints = dropped.stream().map(KeyRotationScheduler::fingerprint).toList();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("kind", "provider_key");
    details.put("reason", why);
    details.put("action", REVOKED_MEANS);
    details.put("key_fingerprints", fingerprints);
    if (inConfig) {
      details.put("still_in_config", "the key is also in nxs.yaml or its environment: remove it");
    }
    telemetry.auditNow("security.key_compromise", Severity.CRITICAL, actor, provider, details);
    telemetry.credentialSwitched(provider, Credentials.CURRENT, Credentials.CURRENT, "revoked");
    LOG.warn("revoked the key of {} ({}): {}", provider, String.join(", ", fingerprints), why);
    ProviderConfig.Rotation command = p.config().rotation();
    if (command == null) {
      return new Revocation(
          provider, fingerprints, "none", null, inConfig, p.credentials().state());
    }
    String problem;
    try {
      String key = KeyRotationScheduler.obtain(command);
      Redaction.register(key);
      if (dropped.contains(key)) {
        problem = "the command printed the revoked key again";
      } else {
        synchronized (this) {
          p.credentials().replace(key);
          persist();
        }
        telemetry.auditNow(
            "provider.key_replaced",
            Severity.HIGH,
            actor,
            provider,
            Map.of("reason", why, "source", "rotation command, after a revoke"));
        return new Revocation(
            provider, fingerprints, "obtained", null, inConfig, p.credentials().state());
      }
    } catch (KeyRotationScheduler.CommandFailed e) {
      problem = e.getMessage();
    } catch (ApiException e) {
      problem = "the key it printed was refused: " + e.getMessage();
    }
    telemetry.auditNow(
        "provider.key_rotation_failed",
        Severity.HIGH,
        actor,
        provider,
        Map.of("reason", why, "problem", problem, "next_try", "nxs provider rotate --emergency"));
    return new Revocation(
        provider, fingerprints, "failed", problem, inConfig, p.credentials().state());
  }

  /** Ends due overlaps: promotion at the required success rate, else extension and an alert. */
  synchronized void evaluate() {
    Instant now = telemetry.clock().instant();
    boolean changed = false;
    for (ProviderRuntime p : providers.values()) {
      Credentials c = p.credentials();
      double rate = c.nextSuccessRate();
      Credentials.Decision d =
          c.evaluate(now, failover.rotationMinSuccess(), failover.rotationOverlap());
      switch (d) {
        case PROMOTED -> {
          changed = true;
          managed.add(p.name());
          telemetry.credentialSwitched(
              p.name(),
              Credentials.NEXT,
              Credentials.CURRENT,
              "promoted after overlap at " + percent(rate) + " success");
          telemetry.audit(
              "provider.key_promoted", Severity.INFO, p.name(), Map.of("success_rate", rate));
        }
        case EXTENDED -> {
          changed = true;
          managed.add(p.name());
          telemetry.publish(
              new GatewayEvent.RotationExtended(now, p.name(), rate, c.overlapUntil()));
          telemetry.audit(
              "provider.rotation_extended",
              Severity.HIGH,
              p.name(),
              Map.of(
                  "success_rate",
                  rate < 0 ? "unused" : percent(rate),
                  "until",
                  c.overlapUntil().toString()));
        }
        case NOTHING -> {
          // overlap still running, or none
        }
      }
    }
    if (changed) {
      persist();
    }
  }

  private void persist() {
    Map<String, ProviderSecrets.Credential> entries = new LinkedHashMap<>();
    for (String name : managed) {
      Credentials c = providers.get(name).credentials();
      entries.put(name, new ProviderSecrets.Credential(c.current(), c.next(), c.overlapUntil()));
    }
    secrets.update(ProviderSecrets.SECTION, new ProviderSecrets(entries));
  }

  private static Map<String, Object> withReason(Map<String, Object> details, String reason) {
    if (reason == null || reason.isBlank()) {
      return details;
    }
    Map<String, Object> out = new LinkedHashMap<>(details);
    out.put("reason", reason);
    return out;
  }

  private static String percent(double rate) {
    return String.format(java.util.Locale.ROOT, "%.1f%%", rate * 100);
  }
}
