package io.nxs.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pekko's durable Distributed Data on the node's SQLite state database (ADR 0072): what Pekko
 * stores for a durable key is back in the replica after the node's actor system stopped and a new
 * one started on the same database; keys that are not durable are never written there.
 */
class SqliteDurableStoreTest {

  private final TestCluster cluster = new TestCluster();

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void aDurableKeyIsLoadedAgainByTheNextActorSystemAndOthersAreNotStored() {
    ClusterNode solo = cluster.start("solo");
    Incarnation first = solo.incarnation();
    assertThat(
            Replicas.await(
                first.replicas.put(
                    Replicas.TASKS,
                    Map.of("t-1", new Replicas.Stamped("{\"kept\":true}", 7)),
                    Replicator.writeLocal()),
                Duration.ofSeconds(10)))
        .isTrue();
    // Presence and scores are not durable: the heartbeat's report never reaches the table.
    Replicas.await(
        first.replicas.put(
            Replicas.REPORTS,
            Map.of("solo", new Replicas.Stamped("{\"presence\":true}", 7)),
            Replicator.writeLocal()),
        Duration.ofSeconds(10));

    try (DurableRows rows = new DurableRows(cluster.store("solo"))) {
      assertThat(rows.all()).extracting(DurableRows.Row::key).contains("nxs-tasks");
      assertThat(rows.all()).extracting(DurableRows.Row::key).doesNotContain("nxs-reports");
    }

    cluster.stopAll();
    ClusterNode again = cluster.start("solo");

    assertThat(again.incarnation().uid).isNotEqualTo(first.uid);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(again.incarnation().replicas.local(Replicas.TASKS))
                    .containsEntry("t-1", "{\"kept\":true}"));
  }

  @Test
  void aStoredKeyIsReplacedByItsNextEnvelope() {
    try (DurableRows rows = new DurableRows(cluster.store("rows"))) {
      rows.put(new DurableRows.Row("nxs-lease", 11, "A", new byte[] {1, 2}), 1);
      rows.put(new DurableRows.Row("nxs-lease", 11, "B", new byte[] {3}), 2);

      assertThat(rows.all())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.manifest()).isEqualTo("B");
                assertThat(r.envelope()).containsExactly(3);
              });
    }
  }
}
