package io.nxs.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SingleNodeTest {

  private final ClusterPorts ports = new ClusterPorts("solo");

  @Test
  void aSingleNodeIsOneActiveMemberOnTheMajoritySideWithNoPeer() {
    ClusterView view = ports.view();
    assertThat(view.clustered()).isFalse();
    assertThat(view.members())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.nodeId()).isEqualTo("solo");
              assertThat(m.state()).isEqualTo(NodeState.ACTIVE);
              assertThat(m.self()).isTrue();
            });
    assertThat(view.onMajoritySide()).isTrue();
    assertThat(view.acceptsWork()).isTrue();
    assertThat(view.peerFor(PeerRequest.sticky("s1"))).isEmpty();
  }

  @Test
  void aSingleNodeHoldsThePrimaryLeaseAndOnlyItsOwnTokenIsValid() throws Exception {
    PrimaryLease lease = ports.lease();
    assertThat(lease.held()).contains(new LeaseGrant("solo", 1));
    assertThat(lease.valid(1)).isTrue();
    assertThat(lease.valid(2)).isFalse();
    List<Optional<LeaseGrant>> seen = new ArrayList<>();
    try (AutoCloseable w = lease.watch(seen::add)) {
      assertThat(seen).containsExactly(Optional.of(new LeaseGrant("solo", 1)));
    }
  }

  @Test
  void breakerStatesAreKeptAndTheSingleNodeOwnsEveryProbe() {
    SharedBreakers breakers = ports.breakers();
    SharedBreakerState open =
        new SharedBreakerState("kimi", BreakerPhase.OPEN, "solo", Instant.EPOCH);
    breakers.publish(open);
    assertThat(breakers.state("kimi")).contains(open);
    assertThat(breakers.state("other")).isEmpty();
    assertThat(breakers.probeOwner("kimi")).isTrue();
  }

  @Test
  void sharedValuesAreReadBackPerKind() {
    ports.state().put(SharedKind.IDENTITY, "name", "Ada");
    assertThat(ports.state().get(SharedKind.IDENTITY, "name")).contains("Ada");
    assertThat(ports.state().get(SharedKind.CONFIG, "name")).isEmpty();
  }

  @Test
  void leaseGrantsRefuseANonPositiveToken() {
    assertThatThrownBy(() -> new LeaseGrant("a", 0))
        .hasMessageContaining("fencing token must be positive, but was 0");
  }
}
