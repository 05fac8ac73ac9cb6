package io.nxs.core.http;

import io.nxs.core.StepClock;
import io.nxs.core.auth.ApiKeyStore;
import io.nxs.core.auth.AuthFailureLimiter;
import io.nxs.core.auth.Scope;
import io.nxs.core.ext.ReadinessCheck;
import io.nxs.core.ext.Registry;
import io.nxs.core.metrics.Metrics;
import io.nxs.core.state.StateStore;
import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The {@link HttpServer} as nxs-core's HTTP tests run it: a real key store in a test's home, the
 * hand-moved clock (the gate's lockout and the {@code Date} header read it), no audit, no readiness
 * checks; and, for TLS, a self-signed certificate.
 */
final class TestServer {

  /** The clock the server reads. */
  final StepClock clock = new StepClock();

  /** The server's key store. */
  final ApiKeyStore keys;

  TestServer(Path home) {
    StateStore store = StateStore.open(home.resolve("state.db"));
    store.migrate("core");
    keys = new ApiKeyStore(store, e -> 1, clock);
  }

  /** A server on a free loopback port with a grace period of {@code grace}, not started. */
  HttpServer server(Duration grace, HttpRoutes routes) {
    return server(new ServerConfig("127.0.0.1", 0, grace), routes);
  }

  /** A server with {@code config}, not started. */
  HttpServer server(ServerConfig config, HttpRoutes routes) {
    return new HttpServer(
        config,
        keys,
        new AuthFailureLimiter(clock),
        e -> 1,
        Metrics.prometheus(),
        new Registry<ReadinessCheck>("readiness check", ReadinessCheck::name),
        List.of(routes));
  }

  /** A new key's secret. */
  String key(Scope scope) {
    return keys.create(scope, "test-" + scope.label(), null, "test").secret();
  }

  /**
   * A self-signed certificate for {@code localhost} and its unencrypted PKCS#8 key, written as PEM
   * files in {@code dir}: {@code server.tls} for a test.
   */
  static ServerConfig.Tls selfSigned(Path dir) throws IOException, GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    Instant now = Instant.now();
    X500Name name = new X500Name("CN=localhost");
    X509Certificate certificate;
    try {
      certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  new JcaX509v3CertificateBuilder(
                          name,
                          BigInteger.valueOf(now.toEpochMilli()),
                          Date.from(now.minus(Duration.ofHours(1))),
                          Date.from(now.plus(Duration.ofDays(1))),
                          name,
                          pair.getPublic())
                      .addExtension(
                          Extension.subjectAlternativeName,
                          false,
                          new GeneralNames(
                              new GeneralName[] {
                                new GeneralName(GeneralName.dNSName, "localhost"),
                                new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                              }))
                      .build(
                          new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    } catch (OperatorCreationException | CertIOException e) {
      throw new GeneralSecurityException("cannot sign the test certificate", e);
    }
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    writePem(cert, certificate);
    writePem(key, new JcaPKCS8Generator(pair.getPrivate(), null));
    return new ServerConfig.Tls(cert, key, List.of(certificate));
  }

  /** A TLS context that trusts exactly {@code tls}'s certificate. */
  static SSLContext trusting(ServerConfig.Tls tls) throws IOException, GeneralSecurityException {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("nxs", tls.leaf());
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  private static void writePem(Path file, Object object) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(object);
    }
  }
}
