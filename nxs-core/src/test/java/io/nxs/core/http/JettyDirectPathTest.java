package io.nxs.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The direct path where Jetty owns the port (the fallback without the Netty front). */
class JettyDirectPathTest extends DirectPathTest {

  private HttpServer server;

  @Override
  HttpServer onItsPort(HttpServer server) {
    this.server = server.withoutFront();
    return this.server;
  }

  @Test
  void jettyOwnsThePort() {
    assertThat(server.fronted()).isFalse();
  }
}
