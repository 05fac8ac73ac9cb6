package io.nxs.session.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PeerNameTest {

  @Test
  void spellingsOfOneUrlAreOnePeer() {
    assertThat(PeerName.of("HTTP://Box.LAN:80/")).isEqualTo("http://box.lan");
    assertThat(PeerName.of(" http://box.lan/api/v1 ")).isEqualTo("http://box.lan");
    assertThat(PeerName.of("https://box.lan:443")).isEqualTo("https://box.lan");
    assertThat(PeerName.of("http://user@box.lan:7070/")).isEqualTo("http://box.lan:7070");
    assertThat(PeerName.of("http://[::1]:80/")).isEqualTo("http://[::1]");
  }

  @Test
  void anotherPortOrSchemeIsAnotherPeer() {
    assertThat(PeerName.same("http://box.lan:7070", "http://box.lan:7071")).isFalse();
    assertThat(PeerName.same("http://box.lan:443", "https://box.lan")).isFalse();
    assertThat(PeerName.same("http://box.lan", "http://box.lan:8080")).isFalse();
  }

  @Test
  void anInstanceNameMatchesWhateverItsCase() {
    assertThat(PeerName.same("Home-Box", " home-box")).isTrue();
    assertThat(PeerName.same("home-box", "edge-box")).isFalse();
  }
}
