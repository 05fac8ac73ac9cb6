package io.nxs.gateway;

import static io.nxs.gateway.GatewayFixture.chat;
import static io.nxs.gateway.GatewayFixture.json;
import static io.nxs.gateway.GatewayFixture.streamingChat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nxs.testkit.TestCa;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code https} providers (ADR 0036): HTTP/2 where the provider offers {@code h2} by ALPN, HTTP/1.1
 * where it does not, TLS roots from the provider's {@code ca_file}; answers, streams, deadlines and
 * failover as over {@code http}. The upstreams are real TLS servers on loopback with certificates
 * of a CA made for the test.
 */
class HttpsUpstreamTest {

  @TempDir Path dir;

  private TestCa ca;
  @AutoClose private TlsUpstream h2;
  @AutoClose private TlsUpstream h1;
  @AutoClose private GatewayFixture f;

  @BeforeEach
  void upstreams() throws Exception {
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(
          TestCa.available(), "openssl (Debian openssl) is not installed; ./test installs it");
    }
    ca = TestCa.create(dir.resolve("ca"));
    h2 = TlsUpstream.offeringH2("h2", ca);
    h1 = TlsUpstream.http11Only("h1", ca);
  }

  /** Providers in the given order, each trusting the test's CA alone. */
  private String providers(TlsUpstream... upstreams) {
    StringBuilder sb = new StringBuilder("providers:\n");
    int priority = 1;
    for (TlsUpstream u : upstreams) {
      sb.append("  - name: ")
          .append(u.name())
          .append("\n    base_url: ")
          .append(u.baseUrl())
          .append("\n    ca_file: ")
          .append(ca.certificate())
          .append("\n    api_key: key-of-")
          .append(u.name())
          .append("\n    model: model-")
          .append(u.name())
          .append("\n    priority: ")
          .append(priority++)
          .append("\n    timeout: 5s\n    retry: 0\n");
    }
    return sb.toString();
  }

  @Test
  void aProviderThatOffersH2IsSpokenToOverHttp2() throws Exception {
    f = GatewayFixture.start(providers(h2));

    HttpResponse<String> first = f.post("/v1/chat/completions", chat("nxs-auto"));
    HttpResponse<String> second = f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(json(first.body()).at("/choices/0/message/content").asText())
        .isEqualTo(TlsUpstream.ANSWER);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(h2.versions()).containsExactly("HTTP/2.0", "HTTP/2.0");
  }

  @Test
  void aProviderWithoutH2IsSpokenToOverHttp11() throws Exception {
    f = GatewayFixture.start(providers(h1));

    HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r.body()).at("/choices/0/message/content").asText())
        .isEqualTo(TlsUpstream.ANSWER);
    assertThat(h1.versions()).containsExactly("HTTP/1.1");
  }

  @Test
  void aStreamFromAnH2ProviderIsRelayedChunkByChunk() throws Exception {
    f = GatewayFixture.start(providers(h2));

    HttpResponse<String> r = f.post("/v1/chat/completions", streamingChat("nxs-auto"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElseThrow())
        .startsWith("text/event-stream");
    List<String> lines = r.body().lines().filter(l -> !l.isEmpty()).toList();
    assertThat(lines.getLast()).isEqualTo("data: [DONE]");
    StringBuilder text = new StringBuilder();
    for (String l : lines.subList(0, lines.size() - 1)) {
      text.append(json(l.substring(6)).at("/choices/0/delta/content").asText(""));
    }
    assertThat(text.toString()).isEqualTo(TlsUpstream.ANSWER);
    assertThat(h2.versions()).containsExactly("HTTP/2.0");
  }

  @Test
  void aFailingH2ProviderFailsOverToAnHttp11One() throws Exception {
    h2.always(TlsUpstream.Behaviour.UNAVAILABLE);
    f = GatewayFixture.start(providers(h2, h1));

    HttpResponse<String> r = f.post("/v1/chat/completions", streamingChat("nxs-auto"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("h1");
    assertThat(r.headers().firstValue("x-nxs-attempts").orElseThrow()).startsWith("h2=");
    assertThat(r.body()).endsWith("data: [DONE]\n\n");
    assertThat(h2.versions()).containsExactly("HTTP/2.0");
    assertThat(h1.versions()).containsExactly("HTTP/1.1");
  }

  @Test
  void anH2StreamThatStallsAfterContentEndsAtTheIdleDeadline() throws Exception {
    h2.always(TlsUpstream.Behaviour.HANG_AFTER_FIRST_CHUNK);
    f =
        GatewayFixture.start(
            providers(h2, h1).replaceFirst("timeout: 5s", "timeout: 5s\n    idle_timeout: 300ms"));

    HttpResponse<String> r = f.post("/v1/chat/completions", streamingChat("nxs-auto"));

    List<String> lines = r.body().lines().filter(l -> !l.isEmpty()).toList();
    assertThat(lines.getFirst()).contains("hello");
    assertThat(lines.getLast()).contains("stream_interrupted").contains("idle_timeout");
    assertThat(h1.versions()).as("content was sent: no failover").isEmpty();
  }

  @Test
  void aProviderWhoseCertificateIsNotTrustedIsNotAnswered() throws Exception {
    String untrusted = providers(h2).replaceFirst("    ca_file: .*\n", "");
    f = GatewayFixture.start(untrusted + providers(h1).replace("providers:\n", ""));

    HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("h1");
    assertThat(h2.versions()).as("the handshake failed: no request reached it").isEmpty();
  }

  @Test
  void aCaFileIsOnlyForHttpsAndMustHoldACertificate() {
    assertThatThrownBy(() -> withCaFile("http://127.0.0.1:1/v1", ca.certificate().toString()))
        .hasMessageContaining("ca_file is for https providers");
    assertThatThrownBy(() -> withCaFile(h2.baseUrl(), dir.resolve("missing.pem").toString()))
        .hasMessageContaining("ca_file")
        .hasMessageContaining("missing.pem");
  }

  /** A provider {@code p} at {@code baseUrl} with this {@code ca_file} and defaults elsewhere. */
  private static ProviderConfig withCaFile(String baseUrl, String caFile) {
    return new ProviderConfig(
        "p", baseUrl, null, "m", null, null, null, null, null, null, null, null, null, null, null,
        null, null, caFile);
  }
}
