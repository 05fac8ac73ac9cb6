package io.nxs.app.cli;

import io.nxs.core.NxsException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How the CLI trusts a daemon that serves HTTPS ({@code server.tls}): it pins the certificate in
 * {@code server.tls.cert_file} of the same {@code nxs.yaml}. The handshake succeeds only when the
 * daemon presents exactly that certificate (byte for byte), so a self-signed certificate works, no
 * CA store is consulted, and the host name is not checked (the CLI connects by address, and the
 * pinned certificate already says which server this is). Anything else fails the handshake.
 */
final class PinnedCertificate extends X509ExtendedTrustManager {

  private final X509Certificate pinned;
  private final Path source;

  private PinnedCertificate(X509Certificate pinned, Path source) {
    this.pinned = pinned;
    this.source = source;
  }

  /** A TLS context that trusts {@code pinned} alone. */
  static SSLContext context(X509Certificate pinned, Path source) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new PinnedCertificate(pinned, source)}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new NxsException("cannot set up TLS to the daemon: " + e.getMessage(), e);
    }
  }

  private void check(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0 || !chain[0].equals(pinned)) {
      throw new CertificateException(
          "the daemon's certificate is not the one in "
              + source
              + " (server.tls.cert_file): is another server on this port?");
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("the CLI does not accept client connections");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("the CLI does not accept client connections");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("the CLI does not accept client connections");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[] {pinned};
  }
}
