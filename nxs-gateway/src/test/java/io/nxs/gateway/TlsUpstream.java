package io.nxs.gateway;

import io.nxs.testkit.TestCa;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
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
 * An OpenAI-compatible upstream over TLS on loopback, with a certificate of a {@link TestCa}: Jetty
 * with ALPN offering {@code h2} and {@code http/1.1}, or {@code http/1.1} alone. It records the
 * protocol version of every request it sees, so a test can tell what the gateway spoke.
 */
final class TlsUpstream implements AutoCloseable {

  /** What the upstream answers to a chat completion. */
  enum Behaviour {
    /** A whole answer, or a stream of three content chunks and {@code [DONE]}. */
    OK,
    /** 503 with an OpenAI-shaped error. */
    UNAVAILABLE,
    /** A stream that sends one content chunk and then nothing, until the upstream closes. */
    HANG_AFTER_FIRST_CHUNK
  }

  static final String ANSWER = "hello over tls";

  private final String name;
  private final Server server;
  private final ServerConnector connector;
  private final List<String> versions = new CopyOnWriteArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile Behaviour behaviour = Behaviour.OK;

  private TlsUpstream(String name, TestCa ca, boolean offerH2) throws Exception {
    this.name = name;
    TestCa.Issued issued = ca.issue(name, TestCa.KeyFormat.PKCS8_EC);
    SslContextFactory.Server tls = new SslContextFactory.Server();
    char[] password = "test".toCharArray();
    tls.setKeyStore(keyStore(issued, password));
    tls.setKeyStorePassword("test");
    HttpConfiguration http = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    http.addCustomizer(secure);
    HttpConnectionFactory h1 = new HttpConnectionFactory(http);
    server = new Server();
    if (offerH2) {
      HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
      ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
      alpn.setDefaultProtocol(h1.getProtocol());
      connector =
          new ServerConnector(
              server, new SslConnectionFactory(tls, alpn.getProtocol()), alpn, h2, h1);
    } else {
      connector = new ServerConnector(server, new SslConnectionFactory(tls, h1.getProtocol()), h1);
    }
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Answers());
    server.start();
  }

  /** An upstream that offers {@code h2} and {@code http/1.1} by ALPN. */
  static TlsUpstream offeringH2(String name, TestCa ca) throws Exception {
    return new TlsUpstream(name, ca, true);
  }

  /** An upstream that speaks {@code http/1.1} alone (no ALPN). */
  static TlsUpstream http11Only(String name, TestCa ca) throws Exception {
    return new TlsUpstream(name, ca, false);
  }

  String name() {
    return name;
  }

  String baseUrl() {
    return "https://127.0.0.1:" + connector.getLocalPort() + "/v1";
  }

  void always(Behaviour b) {
    behaviour = b;
  }

  /** The protocol of each request seen, e.g. {@code HTTP/2.0}, in order. */
  List<String> versions() {
    return List.copyOf(versions);
  }

  @Override
  public void close() throws Exception {
    closing.countDown();
    server.stop();
  }

  private static KeyStore keyStore(TestCa.Issued issued, char[] password)
      throws IOException, GeneralSecurityException {
    String pem = Files.readString(issued.keyFile(), StandardCharsets.US_ASCII);
    byte[] der =
        Base64.getMimeDecoder()
            .decode(
                pem.replace("-----BEGIN PRIVATE KEY-----", "")
                    .replace("-----END PRIVATE KEY-----", ""));
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry(
        "server", key, password, TestCa.read(issued.certFile()).toArray(new Certificate[0]));
    return ks;
  }

  private final class Answers extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      versions.add(request.getConnectionMetaData().getHttpVersion().asString());
      String path = Request.getPathInContext(request);
      String body = Content.Source.asString(request, StandardCharsets.UTF_8);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      if (path.endsWith("/models")) {
        write(response, "{\"object\":\"list\",\"data\":[{\"id\":\"model-" + name + "\"}]}");
      } else if (behaviour == Behaviour.UNAVAILABLE) {
        response.setStatus(503);
        write(response, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
      } else if (body.contains("\"stream\":true")) {
        stream(response);
      } else {
        write(
            response,
            "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"model-"
                + name
                + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                + ANSWER
                + "\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":3,\"total_tokens\":4}}");
      }
      callback.succeeded();
      return true;
    }

    private void write(Response response, String text) throws IOException {
      try (OutputStream out = Content.Sink.asOutputStream(response)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
    }

    private void stream(Response response) throws IOException, InterruptedException {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
      try (OutputStream out = Content.Sink.asOutputStream(response)) {
        for (String word : ANSWER.split("(?<= )")) {
          out.write(chunk(word));
          out.flush();
          if (behaviour == Behaviour.HANG_AFTER_FIRST_CHUNK) {
            closing.await();
            return;
          }
        }
        out.write(
            ("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
                    + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":3,\"total_tokens\":4}}\n\n"
                    + "data: [DONE]\n\n")
                .getBytes(StandardCharsets.UTF_8));
      }
    }

    private byte[] chunk(String content) {
      return ("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"model-"
              + name
              + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
              + content
              + "\"},\"finish_reason\":null}]}\n\n")
          .getBytes(StandardCharsets.UTF_8);
    }
  }
}
