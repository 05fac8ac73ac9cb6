package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nxs.app.cli.CliRunner;
import io.nxs.core.NxsException;
import io.nxs.core.config.ConfigException;
import io.nxs.testkit.TestCa;
import io.nxs.testkit.TestCa.KeyFormat;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code server.tls} (SEC1): the daemon serves HTTPS with PEM files from a CA made for the test by
 * Debian's {@code openssl}, a real TLS client trusting only that CA gets in, plain HTTP on the same
 * port gets a clear 400, and the CLI talks HTTPS to it by pinning the configured certificate.
 */
class TlsTest {

  @TempDir Path dir;

  private TestCa ca;

  @BeforeEach
  void makeCa() throws Exception {
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(
          TestCa.available(), "openssl (Debian openssl) is not installed; ./test installs it");
    }
    ca = TestCa.create(dir.resolve("ca"));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A home on a free port whose server section serves {@code issued} over TLS. */
  private NxsHome tlsHome(String name, TestCa.Issued issued, int port) throws Exception {
    NxsHome home = new NxsHome(dir.resolve(name));
    home.initialize();
    String yaml =
        Files.readString(home.config())
            .replace(
                "port: 8787",
                "port: "
                    + port
                    + "\n  tls:\n    cert_file: "
                    + issued.certFile()
                    + "\n    key_file: "
                    + issued.keyFile());
    Files.writeString(home.config(), yaml);
    return home;
  }

  @Test
  void servesHttpsThatARealClientTrustingTheCaAccepts() throws Exception {
    TestCa.Issued issued = ca.issue("server", KeyFormat.PKCS8_EC);
    NxsHome home = tlsHome("home", issued, freePort());

    try (Daemon daemon = Daemon.start(home, Map.of(), Clock.systemUTC());
        HttpClient client = HttpClient.newBuilder().sslContext(ca.trust()).build()) {
      HttpResponse<String> ready =
          client.send(
              HttpRequest.newBuilder(URI.create("https://localhost:" + daemon.port() + "/readyz"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(ready.statusCode()).isEqualTo(200);
      SSLSession session = ready.sslSession().orElseThrow();
      assertThat(((X509Certificate) session.getPeerCertificates()[0]))
          .isEqualTo(TestCa.read(issued.certFile()).getFirst());
      assertThat(daemon.url()).isEqualTo("https://localhost:" + daemon.port() + "/");
    }
  }

  @Test
  void answersPlainHttpOnTheTlsPortWithAClearErrorInsteadOfServingIt() throws Exception {
    NxsHome home = tlsHome("home", ca.issue("server", KeyFormat.PKCS8_EC), freePort());

    try (Daemon daemon = Daemon.start(home, Map.of(), Clock.systemUTC());
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      HttpResponse<String> plain =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.port() + "/healthz"))
                  .timeout(Duration.ofSeconds(20))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(plain.statusCode()).isEqualTo(400);
      assertThat(plain.body()).contains("https_required").contains("use https://");
    }
  }

  @Test
  void theCliTalksHttpsPinnedToTheConfiguredCertificate() throws Exception {
    int port = freePort();
    NxsHome home = tlsHome("home", ca.issue("server", KeyFormat.PKCS8_EC), port);
    // Another home naming the same port and key but a different certificate of the same CA.
    NxsHome other = tlsHome("other", ca.issue("impostor", KeyFormat.PKCS8_EC), port);

    try (Daemon daemon = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      Files.createDirectories(other.keys());
      Files.copy(home.adminKey(), other.adminKey());
      CliRunner.Result status = new CliRunner(home.dir()).run("status", "-o", "json");
      CliRunner.Result mismatch = new CliRunner(other.dir()).run("provider", "list");

      assertThat(status.out()).contains("\"ready\"");
      assertThat(status.err()).doesNotContain("nxs:");
      assertThat(mismatch.code()).isEqualTo(3);
      assertThat(mismatch.err()).contains("https://127.0.0.1:" + port);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = KeyFormat.class,
      names = {"PKCS1_RSA", "SEC1_EC"})
  void readsTheOtherUnencryptedPemKeyFormats(KeyFormat format) throws Exception {
    NxsHome home = tlsHome("home", ca.issue("server", format), freePort());

    try (Daemon daemon = Daemon.start(home, Map.of(), Clock.systemUTC());
        HttpClient client = HttpClient.newBuilder().sslContext(ca.trust()).build()) {
      assertThat(
              client
                  .send(
                      HttpRequest.newBuilder(
                              URI.create("https://localhost:" + daemon.port() + "/healthz"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void refusesAnEncryptedKeySayingHowToDecryptIt() throws Exception {
    NxsHome home = tlsHome("home", ca.issue("server", KeyFormat.ENCRYPTED), freePort());

    assertThatThrownBy(() -> Daemon.start(home, Map.of(), Clock.systemUTC()))
        .isInstanceOf(NxsException.class)
        .hasMessageContaining("server.tls.key_file")
        .hasMessageContaining("is encrypted")
        .hasMessageContaining("openssl pkey");
  }

  @Test
  void aMissingCertificateOrKeyFileIsAConfigErrorWithItsLine() throws Exception {
    TestCa.Issued issued = ca.issue("server", KeyFormat.PKCS8_EC);
    Path yaml = dir.resolve("nxs.yaml");
    Files.writeString(
        yaml,
        "server:\n  tls:\n    cert_file: missing.pem\n    key_file: " + issued.keyFile() + "\n");
    Path yaml2 = dir.resolve("nxs2.yaml");
    Files.writeString(
        yaml2,
        "server:\n  tls:\n    cert_file: " + issued.certFile() + "\n    key_file: nokey.pem\n");

    ConfigException noCert =
        catchThrowableOfType(ConfigException.class, () -> ConfigCheck.check(yaml, Map.of()));
    ConfigException noKey =
        catchThrowableOfType(ConfigException.class, () -> ConfigCheck.check(yaml2, Map.of()));

    assertThat(noCert.line()).isBetween(2, 3);
    assertThat(noCert)
        .hasMessageStartingWith("nxs.yaml:")
        .hasMessageContaining("server.tls")
        .hasMessageContaining(dir.resolve("missing.pem").toString())
        .hasMessageContaining("does not exist");
    assertThat(noKey.line()).isBetween(2, 4);
    assertThat(noKey)
        .hasMessageStartingWith("nxs2.yaml:")
        .hasMessageContaining(dir.resolve("nokey.pem").toString());
  }

  @Test
  void aFileThatHoldsNoCertificateIsAConfigError() throws Exception {
    TestCa.Issued issued = ca.issue("server", KeyFormat.PKCS8_EC);
    Path yaml = dir.resolve("nxs.yaml");
    // The key where the certificate belongs.
    Files.writeString(
        yaml,
        "server:\n  tls:\n    cert_file: "
            + issued.keyFile()
            + "\n    key_file: "
            + issued.keyFile()
            + "\n");

    assertThatThrownBy(() -> ConfigCheck.check(yaml, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nxs.yaml:")
        .hasMessageContaining("cert_file");
  }
}
