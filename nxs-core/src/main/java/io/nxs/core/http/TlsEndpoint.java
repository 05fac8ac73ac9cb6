package io.nxs.core.http;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.nxs.core.NxsException;
import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * HTTPS for the daemon ({@code server.tls}, SEC1): the PEM certificate chain and private key made
 * into the Netty front's TLS context (ADR 0022) or, where the front cannot run, Jetty's TLS
 * connector.
 *
 * <p>Design note: either port first looks at a connection's first bytes. A TLS handshake goes on to
 * TLS and HTTP/1.1; anything else (a client speaking plain HTTP to the HTTPS port) reaches HTTP
 * only to be answered {@code 400} with one line saying to use {@code https://}, and the connection
 * is closed: a clear failure instead of a hang or a reset, and no route ever serves plain HTTP.
 * Private keys are parsed by Bouncy Castle's PEM reader (PKCS#8, PKCS#1 and SEC1; ADR 0014).
 */
final class TlsEndpoint {

  private final ServerConfig config;
  private final char[] password = randomPassword();
  private final KeyStore keys;

  private TlsEndpoint(ServerConfig config) {
    this.config = config;
    this.keys = keyStore(config.tls(), password);
  }

  /**
   * Loads the private key and pairs it with the certificate chain.
   *
   * @throws NxsException naming the file when the key cannot be read, is encrypted, or does not fit
   *     the certificate
   */
  static TlsEndpoint load(ServerConfig config) {
    return new TlsEndpoint(config);
  }

  /** A connector on the configured address that speaks TLS (and refuses plain HTTP). */
  ServerConnector connector(Server server, HttpConfiguration http, int acceptQueue) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(keys);
    ssl.setKeyStorePassword(new String(password));
    HttpConfiguration secure = new HttpConfiguration(http);
    SecureRequestCustomizer customizer = new SecureRequestCustomizer();
    // The client decides whether the name fits the certificate (the CLI pins the certificate and
    // connects by address); the server does not second-guess the Host header.
    customizer.setSniHostCheck(false);
    secure.addCustomizer(customizer);
    SslConnectionFactory tlsFactory =
        new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString());
    // The detector holds the TLS factory: a TLS handshake goes to it (and on to HTTP/1.1), any
    // other first bytes to the next factory on the connector, plain HTTP, which only refuses.
    DetectorConnectionFactory detector = new DetectorConnectionFactory(tlsFactory);
    ServerConnector connector =
        new ServerConnector(server, detector, new HttpConnectionFactory(secure));
    connector.setHost(config.host());
    connector.setPort(config.port());
    connector.setAcceptQueueSize(acceptQueue);
    return connector;
  }

  /**
   * The same key and chain as a Netty context for the front (ADR 0022): the JDK's TLS, TLS 1.3 and
   * 1.2, and ALPN offering {@code http/1.1} only (the port never spoke HTTP/2: Jetty's connector
   * was HTTP/1.1 behind TLS too).
   */
  SslContext frontContext() {
    try {
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(keys, password);
      return SslContextBuilder.forServer(factory)
          .sslProvider(SslProvider.JDK)
          .protocols("TLSv1.3", "TLSv1.2")
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                  ApplicationProtocolNames.HTTP_1_1))
          .build();
    } catch (GeneralSecurityException | SSLException e) {
      throw new NxsException(
          "server.tls: cannot use the key in "
              + config.tls().keyFile()
              + " for TLS ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  /** What a client that spoke plain HTTP to the HTTPS port is told. */
  String httpsOnly() {
    return "this port speaks HTTPS only: use https://" + config.host() + ":" + config.port() + "/";
  }

  /**
   * A handler in front of everything else that answers a request that did not come over TLS with
   * 400 and closes the connection.
   */
  Handler.Wrapper refusePlainHttp(Handler.Wrapper next) {
    byte[] body =
        ApiError.body("invalid_request_error", "https_required", httpsOnly())
            .getBytes(StandardCharsets.UTF_8);
    Handler.Wrapper refusal =
        new Handler.Wrapper() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            if (request.isSecure()) {
              return super.handle(request, response, callback);
            }
            response.setStatus(400);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
          }
        };
    refusal.setHandler(next);
    return refusal;
  }

  /** The key and chain in a key store that lives only in memory. */
  private static KeyStore keyStore(ServerConfig.Tls tls, char[] password) {
    PrivateKey key = privateKey(tls);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, password);
      store.setKeyEntry("nxs", key, password, tls.chain().toArray(X509Certificate[]::new));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new NxsException(
          "server.tls: the key in "
              + tls.keyFile()
              + " does not fit the certificate in "
              + tls.certFile()
              + " ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  private static PrivateKey privateKey(ServerConfig.Tls tls) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (Reader reader = Files.newBufferedReader(tls.keyFile(), StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(reader)) {
      for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
        switch (o) {
          case PEMKeyPair pair -> {
            return converter.getKeyPair(pair).getPrivate();
          }
          case PrivateKeyInfo info -> {
            return converter.getPrivateKey(info);
          }
          case PEMEncryptedKeyPair encrypted -> throw encrypted(tls);
          case PKCS8EncryptedPrivateKeyInfo encrypted -> throw encrypted(tls);
          default -> {
            // Parameters or a certificate before the key (e.g. "EC PARAMETERS"): read on.
          }
        }
      }
    } catch (IOException e) {
      throw new NxsException(
          "server.tls.key_file: cannot read a PEM private key from "
              + tls.keyFile()
              + " ("
              + e.getMessage()
              + ")",
          e);
    }
    throw new NxsException(
        "server.tls.key_file: "
            + tls.keyFile()
            + " holds no PEM private key (expected BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or"
            + " BEGIN EC PRIVATE KEY)");
  }

  private static NxsException encrypted(ServerConfig.Tls tls) {
    return new NxsException(
        "server.tls.key_file: "
            + tls.keyFile()
            + " is encrypted; NXS needs it unencrypted (mode 0600):"
            + " openssl pkey -in encrypted.pem -out key.pem");
  }

  /** The in-memory key store's password: random, as nothing outside this process reads it. */
  private static char[] randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes).toCharArray();
  }
}
