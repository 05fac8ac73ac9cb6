package io.nxs.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

/** Who forms a fully downed cluster again, and how long a downed node waits before it rejoins. */
class ReformerTest {

  private static Address at(int port) {
    return new Address("pekko", PekkoSettings.SYSTEM_NAME, "127.0.0.1", port);
  }

  private final Map<String, Address> lastSeen =
      Map.of("n1", at(2551), "n2", at(2552), "n3", at(2553));

  @Test
  void theMemberAtTheFirstConfiguredSeedFormsAgainWhoeverHasTheLowestId() {
    assertThat(ClusterNode.reformer(lastSeen, List.of(at(2553), at(2551)))).isEqualTo("n3");
  }

  @Test
  void withoutItsFirstSeedAmongTheMembersTheLowestNodeIdFormsAgain() {
    assertThat(ClusterNode.reformer(lastSeen, List.of(at(9999)))).isEqualTo("n1");
    assertThat(ClusterNode.reformer(lastSeen, List.of())).isEqualTo("n1");
  }

  @Test
  void theRestartDelayDoublesForDowningsInARowUpToThirtySeconds() {
    assertThat(ClusterNode.restartDelay(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(ClusterNode.restartDelay(2)).isEqualTo(Duration.ofSeconds(4));
    assertThat(ClusterNode.restartDelay(4)).isEqualTo(Duration.ofSeconds(16));
    assertThat(ClusterNode.restartDelay(5)).isEqualTo(Duration.ofSeconds(30));
    assertThat(ClusterNode.restartDelay(40)).isEqualTo(Duration.ofSeconds(30));
  }
}
