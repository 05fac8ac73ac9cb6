package io.nxs.gateway;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream provider, as the seed's {@code providers.yaml} writes it (SPEC GW2), plus the
 * optional keys of issue 3.
 *
 * @param name unique name, also the model name that routes to this provider alone
 * @param baseUrl the OpenAI-compatible base, e.g. {@code http://localhost:11434/v1}
 * @param apiKey the credential; {@code ${ENV}} is expanded by the loader; may be empty
 * @param model the upstream model id, or {@code auto-detect} to take the first of {@code
 *     /v1/models}
 * @param priority lower goes first; default 100
 * @param timeout total time for one attempt; default 30s (a bare number is seconds)
 * @param retry extra attempts on this provider after a failure; default 0, at most 10
 * @param circuitBreaker the provider's breaker settings (GW3)
 * @param region where the provider processes data, e.g. {@code eu}; null when unknown (GW10)
 * @param weight share in {@code weighted} mode; default 1, must be &gt; 0
 * @param apiKeyNext the new credential during a rotation overlap (GW7); null when none
 * @param prices cost per 1K tokens (GW9); null when unpriced
 * @param connectTimeout TCP/TLS connect limit; default 5s, never above {@code timeout}
 * @param firstTokenTimeout limit until the first byte of the answer; default {@code timeout}
 * @param idleTimeout longest gap between stream chunks; default {@code timeout}
 * @param contextWindow the model's context window in tokens, or 0 when unknown; a context-length
 *     400 falls over to a later provider in the chain with a larger window (GW5)
 * @param rotation scheduled key rotation (SEC5); null when the key is rotated only by hand
 * @param caFile PEM certificates that alone are trusted for an {@code https} provider (its own CA,
 *     e.g. a self-hosted model server's); null to trust the JVM's default roots
 */
public record ProviderConfig(
    String name,
    String baseUrl,
    String apiKey,
    String model,
    int priority,
    Duration timeout,
    int retry,
    CircuitBreakerSettings circuitBreaker,
    String region,
    double weight,
    String apiKeyNext,
    Prices prices,
    Duration connectTimeout,
    Duration firstTokenTimeout,
    Duration idleTimeout,
    int contextWindow,
    Rotation rotation,
    String caFile) {

  /** The {@code model} value that asks the provider's {@code /v1/models}. */
  public static final String AUTO_DETECT = "auto-detect";

  private static final Logger LOG = LoggerFactory.getLogger(ProviderConfig.class);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  @JsonCreator
  public ProviderConfig(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty(value = "base_url", required = true) String baseUrl,
      @JsonProperty("api_key") String apiKey,
      @JsonProperty("model") String model,
      @JsonProperty("priority") Integer priority,
      @JsonProperty("timeout") Duration timeout,
      @JsonProperty("retry") Integer retry,
      @JsonProperty("circuit_breaker") CircuitBreakerSettings circuitBreaker,
      @JsonProperty("region") String region,
      @JsonProperty("weight") Double weight,
      @JsonProperty("api_key_next") String apiKeyNext,
      @JsonProperty("prices") Prices prices,
      @JsonProperty("connect_timeout") Duration connectTimeout,
      @JsonProperty("first_token_timeout") Duration firstTokenTimeout,
      @JsonProperty("idle_timeout") Duration idleTimeout,
      @JsonProperty("context_window") Integer contextWindow,
      @JsonProperty("rotation") Rotation rotation,
      @JsonProperty("ca_file") String caFile) {
    this(
        name,
        baseUrl,
        apiKey == null ? "" : apiKey,
        model == null ? AUTO_DETECT : model,
        priority == null ? 100 : priority,
        total(timeout),
        retry == null ? 0 : retry,
        circuitBreaker == null ? CircuitBreakerSettings.DEFAULTS : circuitBreaker,
        region == null || region.isBlank() ? null : region.toLowerCase(Locale.ROOT),
        weight == null ? 1.0 : weight,
        apiKeyNext == null || apiKeyNext.isBlank() ? null : apiKeyNext,
        prices,
        connectTimeout == null ? min(Duration.ofSeconds(5), total(timeout)) : connectTimeout,
        firstTokenTimeout == null ? total(timeout) : firstTokenTimeout,
        idleTimeout == null ? total(timeout) : idleTimeout,
        contextWindow == null ? 0 : contextWindow,
        rotation,
        caFile == null || caFile.isBlank() ? null : caFile.strip());
  }

  public ProviderConfig {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be 1-64 letters, digits, '.', '_' or '-', but was '" + name + "'");
    }
    URI uri;
    try {
      uri = URI.create(baseUrl.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("base_url is not a URL: '" + baseUrl + "'", e);
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "base_url must be an http(s) URL such as http://localhost:11434/v1, but was '"
              + baseUrl
              + "'");
    }
    baseUrl = stripSlash(baseUrl.strip());
    if (model.isBlank()) {
      throw new IllegalArgumentException(
          "model must not be empty (use 'auto-detect' to ask /v1/models)");
    }
    if (priority < 0) {
      throw new IllegalArgumentException("priority must be >= 0, but was " + priority);
    }
    requirePositive("timeout", timeout);
    requirePositive("connect_timeout", connectTimeout);
    requirePositive("first_token_timeout", firstTokenTimeout);
    requirePositive("idle_timeout", idleTimeout);
    if (retry < 0 || retry > 10) {
      throw new IllegalArgumentException("retry must be in [0, 10], but was " + retry);
    }
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("weight must be > 0, but was " + weight);
    }
    if (contextWindow < 0) {
      throw new IllegalArgumentException("context_window must be >= 0, but was " + contextWindow);
    }
    if (connectTimeout.compareTo(timeout) > 0) {
      throw new IllegalArgumentException(
          "connect_timeout ("
              + connectTimeout.toMillis()
              + "ms) must not exceed timeout ("
              + timeout.toMillis()
              + "ms)");
    }
    if (caFile != null) {
      if (!uri.getScheme().equals("https")) {
        throw new IllegalArgumentException(
            "ca_file is for https providers, but base_url is '" + baseUrl + "'");
      }
      trustedCertificates(caFile);
    }
  }

  /**
   * The certificates of {@code ca_file}, read by the JDK's X.509 factory.
   *
   * @throws IllegalArgumentException when the file cannot be read or holds no certificate
   */
  public static List<X509Certificate> trustedCertificates(String caFile) {
    try (InputStream in = Files.newInputStream(Path.of(caFile))) {
      List<X509Certificate> certs = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certs.add((X509Certificate) c);
      }
      if (certs.isEmpty()) {
        throw new IllegalArgumentException("ca_file '" + caFile + "' holds no PEM certificate");
      }
      return certs;
    } catch (IOException | CertificateException | InvalidPathException e) {
      throw new IllegalArgumentException(
          "ca_file '" + caFile + "' is not a readable PEM certificate file: " + e.getMessage(), e);
    }
  }

  /** Whether the provider runs on this machine (a loopback address): local models for GW12. */
  public boolean local() {
    String host = URI.create(baseUrl).getHost();
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      // Shaped like an address but not one: not this machine's loopback.
      LOG.debug("base_url host '{}' is not an address: {}", host, e.getMessage());
      return false;
    }
  }

  /** Whether the model is asked of the provider's {@code /v1/models}. */
  public boolean autoDetect() {
    return AUTO_DETECT.equalsIgnoreCase(model);
  }

  /** A copy with other credentials (used by rotation and the secrets file). */
  public ProviderConfig withKeys(String current, String next) {
    return new ProviderConfig(
        name,
        baseUrl,
        current == null ? "" : current,
        model,
        priority,
        timeout,
        retry,
        circuitBreaker,
        region,
        weight,
        next,
        prices,
        connectTimeout,
        firstTokenTimeout,
        idleTimeout,
        contextWindow,
        rotation,
        caFile);
  }

  @Override
  public String toString() {
    // Never print credentials.
    return "ProviderConfig[name="
        + name
        + ", baseUrl="
        + baseUrl
        + ", model="
        + model
        + ", priority="
        + priority
        + "]";
  }

  private static Duration total(Duration timeout) {
    return timeout == null ? Duration.ofSeconds(30) : timeout;
  }

  private static Duration min(Duration a, Duration b) {
    return b == null || a.compareTo(b) <= 0 ? a : b;
  }

  private static void requirePositive(String key, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be > 0, but was " + d.toMillis() + "ms");
    }
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /**
   * Breaker settings (GW3, seed 002): OPEN after {@code failure_threshold} failures in a row within
   * {@code window} (a success ends the run), HALF_OPEN after {@code timeout_seconds}.
   *
   * @param failureThreshold failures in a row that open it; default 3, in [1, 1000]
   * @param timeoutSeconds seconds it stays open before a trial call; default 60
   * @param window the first and the last failure of the run are at most this far apart; default 60s
   * @param failureRateThreshold also open it when this percent of at least {@code
   *     failure_threshold} calls in the window failed (or, with {@code slow_call_duration}, were
   *     slow); default 100, which in effect leaves only the in-a-row rule; in (0, 100]
   * @param slowCallDuration calls slower than this count as slow; default: never (0)
   */
  public record CircuitBreakerSettings(
      int failureThreshold,
      int timeoutSeconds,
      Duration window,
      float failureRateThreshold,
      Duration slowCallDuration) {

    public static final CircuitBreakerSettings DEFAULTS =
        new CircuitBreakerSettings(3, 60, Duration.ofSeconds(60), 100f, Duration.ZERO);

    @JsonCreator
    public CircuitBreakerSettings(
        @JsonProperty("failure_threshold") Integer failureThreshold,
        @JsonProperty("timeout_seconds") Integer timeoutSeconds,
        @JsonProperty("window") Duration window,
        @JsonProperty("failure_rate_threshold") Float failureRateThreshold,
        @JsonProperty("slow_call_duration") Duration slowCallDuration) {
      this(
          failureThreshold == null ? 3 : failureThreshold,
          timeoutSeconds == null ? 60 : timeoutSeconds,
          window == null ? Duration.ofSeconds(60) : window,
          failureRateThreshold == null ? 100f : failureRateThreshold,
          slowCallDuration == null ? Duration.ZERO : slowCallDuration);
    }

    public CircuitBreakerSettings {
      if (failureThreshold < 1 || failureThreshold > 1000) {
        throw new IllegalArgumentException(
            "failure_threshold must be in [1, 1000], but was " + failureThreshold);
      }
      if (timeoutSeconds < 1 || timeoutSeconds > 86_400) {
        throw new IllegalArgumentException(
            "timeout_seconds must be in [1, 86400], but was " + timeoutSeconds);
      }
      if (window.toSeconds() < 1) {
        throw new IllegalArgumentException(
            "window must be at least 1s, but was " + window.toMillis() + "ms");
      }
      if (!(failureRateThreshold > 0 && failureRateThreshold <= 100)) {
        throw new IllegalArgumentException(
            "failure_rate_threshold must be in (0, 100], but was " + failureRateThreshold);
      }
      if (slowCallDuration.isNegative()) {
        throw new IllegalArgumentException("slow_call_duration must not be negative");
      }
    }
  }

  /**
   * Scheduled rotation of the provider's key (SEC5): once the key is {@code every - prepare} old,
   * {@code command} runs and the first line it prints becomes the new key, rotated in with the
   * usual overlap ({@code failover.rotation_overlap}).
   *
   * @param every the key's lifetime; default 90d
   * @param prepare how long before the end of that lifetime the new key is obtained; default 7d,
   *     below {@code every}
   * @param command the program and its arguments, run without a shell (write {@code [sh, -c,
   *     "..."]} for one); a single string is one program with no arguments; required
   * @param timeout how long the command may run; default 60s
   */
  public record Rotation(Duration every, Duration prepare, List<String> command, Duration timeout) {

    @JsonCreator
    static Rotation of(
        @JsonProperty("every") Duration every,
        @JsonProperty("prepare") Duration prepare,
        @JsonProperty("command") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            List<String> command,
        @JsonProperty("timeout") Duration timeout) {
      return new Rotation(
          every == null ? Duration.ofDays(90) : every,
          prepare == null ? Duration.ofDays(7) : prepare,
          command == null ? List.of() : List.copyOf(command),
          timeout == null ? Duration.ofSeconds(60) : timeout);
    }

    public Rotation {
      requirePositive("rotation.every", every);
      if (prepare.isNegative() || prepare.compareTo(every) >= 0) {
        throw new IllegalArgumentException(
            "rotation.prepare must be >= 0 and below rotation.every ("
                + Durations.format(every)
                + "), but was "
                + Durations.format(prepare));
      }
      requirePositive("rotation.timeout", timeout);
      command = List.copyOf(command);
      if (command.isEmpty() || command.getFirst().isBlank()) {
        throw new IllegalArgumentException(
            "rotation.command must name the program that prints the new key, e.g."
                + " [sh, -c, \"vault read -field=key secret/kimi\"]");
      }
    }

    /** The age at which the key is due for rotation: {@code every - prepare}. */
    public Duration dueAge() {
      return every.minus(prepare);
    }
  }

  /**
   * Prices per 1K tokens, in the operator's currency (GW9).
   *
   * @param prompt per 1K prompt tokens, &gt;= 0
   * @param completion per 1K completion tokens, &gt;= 0
   */
  public record Prices(double prompt, double completion) {
    @JsonCreator
    public Prices(
        @JsonProperty("prompt") Double prompt, @JsonProperty("completion") Double completion) {
      this(prompt == null ? 0 : prompt, completion == null ? 0 : completion);
    }

    public Prices {
      if (prompt < 0 || completion < 0 || Double.isNaN(prompt) || Double.isNaN(completion)) {
        throw new IllegalArgumentException(
            "prices must be >= 0, but were prompt=" + prompt + ", completion=" + completion);
      }
    }

    /** The cost of a call. */
    public double cost(long promptTokens, long completionTokens) {
      return (promptTokens * prompt + completionTokens * completion) / 1000.0;
    }
  }
}
