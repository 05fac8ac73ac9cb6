package io.nxs.gateway.internal;

import io.micrometer.core.instrument.Gauge;
import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.http.ApiException;
import io.nxs.core.log.Redaction;
import io.nxs.core.state.StateStore;
import io.nxs.gateway.ProviderConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scheduled key rotation (SEC5): a provider with a {@code rotation} section gets a new key once its
 * key is {@code every - prepare} old. The configured command obtains the key (its first line of
 * output); {@link CredentialRotation} then starts the usual overlap. A key's age runs from when
 * this class first saw it ({@code gateway_key_age}), so a key set by hand, by the secrets file or
 * by a rotation restarts the clock. A failing command is audited and tried again at the next {@link
 * #check()}; {@code nxs.gateway.rotation.failures} counts the failures in a row.
 *
 * <p>Neither the key nor the command's error output is ever logged or audited: stderr is discarded,
 * and a failure is described by its exit code or its time limit only.
 */
public final class KeyRotationScheduler {

  private static final Logger LOG = LoggerFactory.getLogger(KeyRotationScheduler.class);
  static final String ACTOR = "scheduler";

  private final Map<String, ProviderRuntime> providers;
  private final CredentialRotation rotation;
  private final StateStore store;
  private final Telemetry telemetry;
  private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

  /** Scheduled rotation for the gateway's providers that configure it. */
  public KeyRotationScheduler(Gateway gateway, StateStore store, Telemetry telemetry) {
    this(gateway.router().providers(), gateway.rotation(), store, telemetry);
  }

  KeyRotationScheduler(
      Map<String, ProviderRuntime> providers,
      CredentialRotation rotation,
      StateStore store,
      Telemetry telemetry) {
    this.providers = providers;
    this.rotation = rotation;
    this.store = store;
    this.telemetry = telemetry;
    providers.values().stream()
        .filter(p -> p.config().rotation() != null)
        .forEach(
            p -> {
              AtomicInteger count = new AtomicInteger();
              failures.put(p.name(), count);
              Gauge.builder("nxs.gateway.rotation.failures", count, AtomicInteger::get)
                  .description("Scheduled key rotations that failed in a row, per provider")
                  .tag("provider", p.name())
                  .register(telemetry.metrics());
            });
  }

  /** Whether any provider configures scheduled rotation (else nothing needs scheduling). */
  public boolean enabled() {
    return !failures.isEmpty();
  }

  /**
   * Records the age of every provider's newest key and rotates those that are due. Runs the
   * commands one after another, on the calling thread.
   */
  public synchronized void check() {
    Instant now = telemetry.clock().instant();
    for (ProviderRuntime p : providers.values()) {
      ProviderConfig.Rotation config = p.config().rotation();
      if (config == null) {
        continue;
      }
      Credentials c = p.credentials();
      if (c.next() != null) {
        // An overlap is running: its new key's age starts when it was set, not at promotion.
        setAt(p.name(), c.next(), now);
        continue;
      }
      Instant since = setAt(p.name(), c.current(), now);
      Duration age = Duration.between(since, now);
      if (age.compareTo(config.dueAge()) >= 0) {
        rotate(p.name(), config, age);
      }
    }
  }

  private void rotate(String provider, ProviderConfig.Rotation config, Duration age) {
    String reason = "scheduled: key age " + age.toDays() + " days";
    String problem;
    try {
      String key = obtain(config);
      Redaction.register(key);
      rotation.rotate(provider, key, false, ACTOR, reason);
      failures.get(provider).set(0);
      LOG.info("rotated the key of {} on schedule ({})", provider, reason);
      return;
    } catch (CommandFailed e) {
      problem = e.getMessage();
    } catch (ApiException e) {
      // CredentialRotation's messages never quote the key.
      problem = "the key it printed was refused: " + e.getMessage();
    }
    int inARow = failures.get(provider).incrementAndGet();
    LOG.warn("rotation command for {} failed: {}", provider, problem);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("reason", reason);
    details.put("problem", problem);
    details.put("failures_in_a_row", inARow);
    details.put("next_try", "at the next check");
    telemetry.auditNow("provider.key_rotation_failed", Severity.HIGH, ACTOR, provider, details);
  }

  /** Runs the command; its first line of output is the key. */
  static String obtain(ProviderConfig.Rotation config) throws CommandFailed {
    ProcessBuilder pb =
        new ProcessBuilder(config.command())
            .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new CommandFailed(
          "cannot start " + config.command().getFirst() + ": " + e.getMessage());
    }
    CompletableFuture<String> firstLine =
        CompletableFuture.supplyAsync(
            () -> readFirstLine(process), task -> Thread.ofVirtual().start(task));
    try {
      if (!process.waitFor(config.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new CommandFailed("timed out after " + config.timeout().toSeconds() + "s");
      }
      if (process.exitValue() != 0) {
        throw new CommandFailed("exit " + process.exitValue());
      }
      String line = firstLine.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (line == null || line.isBlank()) {
        throw new CommandFailed("exit 0 but it printed no key");
      }
      return line.strip();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new CommandFailed("interrupted");
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new CommandFailed("its output could not be read");
    }
  }

  private static String readFirstLine(Process process) {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String first = r.readLine();
      // Drain the rest so that a talkative command never blocks on a full pipe.
      r.transferTo(java.io.Writer.nullWriter());
      return first;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static java.io.File nullDevice() {
    return new java.io.File(
        System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  /**
   * When the provider's key was first seen; records {@code now} for a key not seen before.
   *
   * @throws NxsException when the state store cannot be read or written
   */
  private Instant setAt(String provider, String key, Instant now) {
    String fingerprint = fingerprint(key);
    try (Connection c = store.connect()) {
      Optional<Instant> known = Optional.empty();
      try (PreparedStatement q =
          c.prepareStatement(
              "SELECT set_at FROM gateway_key_age WHERE provider = ? AND fingerprint = ?")) {
        q.setString(1, provider);
        q.setString(2, fingerprint);
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            known = Optional.of(Instant.parse(rs.getString(1)));
          }
        }
      }
      if (known.isPresent()) {
        return known.get();
      }
      try (PreparedStatement u =
          c.prepareStatement(
              "INSERT INTO gateway_key_age (provider, fingerprint, set_at) VALUES (?, ?, ?)"
                  + " ON CONFLICT (provider) DO UPDATE SET fingerprint = excluded.fingerprint,"
                  + " set_at = excluded.set_at")) {
        u.setString(1, provider);
        u.setString(2, fingerprint);
        u.setString(3, now.toString());
        u.executeUpdate();
      }
      return now;
    } catch (SQLException e) {
      throw new NxsException(
          "cannot record the key age of "
              + provider
              + " in "
              + store.file()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** A truncated SHA-256: tells keys apart without keeping one. */
  static String fingerprint(String key) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest((key == null ? "" : key).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Why a command gave no key; its message never quotes the command's output. */
  static final class CommandFailed extends Exception {
    CommandFailed(String message) {
      super(message, null, false, false);
    }
  }
}
