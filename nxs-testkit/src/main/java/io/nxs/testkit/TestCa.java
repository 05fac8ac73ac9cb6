package io.nxs.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate authority made for one test with Debian's {@code openssl}: its own root, and server
 * certificates it signs for {@code localhost} and {@code 127.0.0.1}, written as PEM files in a
 * directory. {@link #trust()} is an {@link SSLContext} that trusts this root alone, for a real TLS
 * client.
 */
public final class TestCa {

  /** Private key encodings a server key may come in. */
  public enum KeyFormat {
    /** {@code BEGIN PRIVATE KEY}: OpenSSL 3's default. */
    PKCS8_EC,
    /** {@code BEGIN RSA PRIVATE KEY}: OpenSSL's traditional RSA form. */
    PKCS1_RSA,
    /** {@code BEGIN EC PRIVATE KEY}: SEC1. */
    SEC1_EC,
    /** {@code BEGIN ENCRYPTED PRIVATE KEY}: protected by a passphrase. */
    ENCRYPTED
  }

  /** A signed server certificate and its key. */
  public record Issued(Path certFile, Path keyFile) {}

  private final Path dir;
  private final Path caCert;
  private final Path caKey;
  private int serial;

  private TestCa(Path dir) {
    this.dir = dir;
    this.caCert = dir.resolve("ca.pem");
    this.caKey = dir.resolve("ca.key");
  }

  /** Whether Debian's {@code openssl} is there to make certificates with. */
  public static boolean available() {
    return Files.isExecutable(Path.of("/usr/bin/openssl"));
  }

  /** A new root in {@code dir}. */
  public static TestCa create(Path dir) throws IOException {
    Files.createDirectories(dir);
    TestCa ca = new TestCa(dir);
    ca.openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        ca.caKey.toString(),
        "-out",
        ca.caCert.toString(),
        "-days",
        "2",
        "-subj",
        "/CN=NXS test CA");
    return ca;
  }

  /** The root certificate (PEM). */
  public Path certificate() {
    return caCert;
  }

  /** A server certificate for {@code localhost} and {@code 127.0.0.1}, its key as asked. */
  public Issued issue(String name, KeyFormat format) throws IOException {
    Path key = dir.resolve(name + ".key");
    Path csr = dir.resolve(name + ".csr");
    Path cert = dir.resolve(name + ".pem");
    Path ext = dir.resolve(name + ".ext");
    switch (format) {
      case PKCS8_EC ->
          openssl(
              "genpkey",
              "-algorithm",
              "EC",
              "-pkeyopt",
              "ec_paramgen_curve:P-256",
              "-out",
              key.toString());
      case PKCS1_RSA -> openssl("genrsa", "-traditional", "-out", key.toString(), "2048");
      case SEC1_EC ->
          openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
      case ENCRYPTED ->
          openssl(
              "genpkey",
              "-algorithm",
              "EC",
              "-pkeyopt",
              "ec_paramgen_curve:P-256",
              "-aes-128-cbc",
              "-pass",
              "pass:secret",
              "-out",
              key.toString());
    }
    String passIn = format == KeyFormat.ENCRYPTED ? "pass:secret" : "pass:";
    openssl(
        "req",
        "-new",
        "-key",
        key.toString(),
        "-passin",
        passIn,
        "-out",
        csr.toString(),
        "-subj",
        "/CN=localhost");
    Files.writeString(ext, "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    openssl(
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        caCert.toString(),
        "-CAkey",
        caKey.toString(),
        "-set_serial",
        Integer.toString(++serial + 1000),
        "-days",
        "2",
        "-extfile",
        ext.toString(),
        "-out",
        cert.toString());
    return new Issued(cert, key);
  }

  /** A TLS context whose only trust anchor is this root. */
  public SSLContext trust() throws IOException, GeneralSecurityException {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("ca", read(caCert).getFirst());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(anchors);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /** The certificates in a PEM file. */
  public static List<X509Certificate> read(Path pem) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(pem)) {
      List<X509Certificate> out = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
      return out;
    }
  }

  private void openssl(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("/usr/bin/openssl");
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("openssl " + String.join(" ", args) + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running openssl", e);
    }
  }
}
