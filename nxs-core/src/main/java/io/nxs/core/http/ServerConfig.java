package io.nxs.core.http;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.ConfigLoader;
import io.nxs.core.config.ConfigSection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code server:} section of {@code nxs.yaml}.
 *
 * @param host address to listen on; default {@code 127.0.0.1} (SEC1: never the world by accident)
 * @param port TCP port, 0 picks a free one; default 8787
 * @param shutdownGrace how long a SIGTERM waits for in-flight requests; default 10s, at most 5m
 * @param tls HTTPS on the same port instead of plain HTTP; null (the default) for plain HTTP
 */
public record ServerConfig(String host, int port, Duration shutdownGrace, Tls tls) {

  public static final ConfigSection<ServerConfig> SECTION =
      ConfigSection.of("server", ServerConfig.class);

  @JsonCreator
  public ServerConfig(
      @JsonProperty("host") String host,
      @JsonProperty("port") Integer port,
      @JsonProperty("shutdown_grace") Duration shutdownGrace,
      @JsonProperty("tls") Tls tls) {
    this(
        host == null ? "127.0.0.1" : host,
        port == null ? 8787 : port,
        shutdownGrace == null ? Duration.ofSeconds(10) : shutdownGrace,
        tls);
  }

  /** Plain HTTP. */
  public ServerConfig(String host, int port, Duration shutdownGrace) {
    this(host, port, shutdownGrace, null);
  }

  public ServerConfig {
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], but was " + port);
    }
    if (shutdownGrace.isNegative() || shutdownGrace.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException(
          "shutdown_grace must be in [0s, 5m], but was " + shutdownGrace.toSeconds() + "s");
    }
  }

  /** The scheme clients use: {@code https} with {@link #tls}, else {@code http}. */
  public String scheme() {
    return tls == null ? "http" : "https";
  }

  /**
   * {@code server.tls}: the daemon's certificate and private key, PEM files. Relative paths are
   * relative to the directory of {@code nxs.yaml} (the NXS home).
   *
   * <p>The certificate file is read here, so a missing file or one that holds no PEM certificate is
   * a configuration error with its line; the key is only checked to exist (a CLI reading this
   * section need not be able to read it) and is loaded by the daemon when it starts listening.
   *
   * @param certFile the certificate chain, leaf first ({@code -----BEGIN CERTIFICATE-----})
   * @param keyFile the leaf's private key, unencrypted: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1
   *     ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY})
   * @param chain the certificates in {@code certFile}, leaf first
   */
  public record Tls(Path certFile, Path keyFile, List<X509Certificate> chain) {

    @JsonCreator
    static Tls of(
        @JsonProperty(value = "cert_file", required = true) String certFile,
        @JsonProperty(value = "key_file", required = true) String keyFile,
        @JacksonInject(ConfigLoader.CONFIG_DIR) Path configDir) {
      Path cert = configDir.resolve(certFile).normalize();
      Path key = configDir.resolve(keyFile).normalize();
      return new Tls(cert, key, readChain(cert));
    }

    public Tls {
      chain = List.copyOf(chain);
      if (chain.isEmpty()) {
        throw new IllegalArgumentException("cert_file " + certFile + " holds no certificate");
      }
      if (!Files.isRegularFile(keyFile)) {
        throw new IllegalArgumentException(
            "key_file " + keyFile + " does not exist (expected a PEM private key)");
      }
    }

    /** The daemon's own certificate: the first in {@link #certFile}. */
    public X509Certificate leaf() {
      return chain.getFirst();
    }

    private static List<X509Certificate> readChain(Path file) {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(
            "cert_file " + file + " does not exist (expected a PEM certificate)");
      }
      try (InputStream in = Files.newInputStream(file)) {
        List<X509Certificate> certificates = new ArrayList<>();
        for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          certificates.add((X509Certificate) c);
        }
        return certificates;
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cert_file " + file + " cannot be read: " + e.getMessage(), e);
      } catch (CertificateException e) {
        throw new IllegalArgumentException(
            "cert_file " + file + " holds no PEM certificate (" + e.getMessage() + ")", e);
      }
    }
  }
}
