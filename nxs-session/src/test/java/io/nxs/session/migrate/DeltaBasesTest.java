package io.nxs.session.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.state.StateStore;
import io.nxs.session.SessionConfig;
import io.nxs.session.transfer.SnapshotExporter;
import io.nxs.testkit.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaBasesTest {

  @TempDir Path home;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));
  private MigrationStore tables;
  private DeltaBases bases;
  private Path staging;

  @BeforeEach
  void open() {
    StateStore store = StateStore.open(home.resolve("state.db"));
    store.migrate("core");
    store.migrate("session");
    tables = new MigrationStore(store, clock);
    staging = home.resolve("sessions");
    SessionConfig config =
        SessionConfig.defaults()
            .withMigration(new SessionConfig.Migration(io.nxs.session.DeltaMode.AUTO, 2));
    bases =
        new DeltaBases(
            new MigrationContext(tables, config, null, staging, clock, null, null, null, "a"));
  }

  /** A finished migration to {@code peer} that kept one store of {@code agent}. */
  private Path migrated(String id, String peer, String agent) throws Exception {
    tables.create(id, OutgoingMigrations.ROLE, peer, null, null);
    for (MigrationState s :
        List.of(
            new MigrationState.Exporting(),
            new MigrationState.Transferring(),
            new MigrationState.Importing(),
            new MigrationState.Verifying(),
            new MigrationState.Active())) {
      tables.transition(id, OutgoingMigrations.ROLE, s);
    }
    Path dir = staging.resolve("outgoing").resolve(id);
    String name = "bulk/" + agent + "/snap/database.sqlite";
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, id + " " + agent);
    bases.keep(id, dir, SnapshotExporter.describe(dir, name));
    clock.advance(Duration.ofMinutes(1));
    return file;
  }

  @Test
  void onlyTheNewestStoresPerPeerAndAgentAreKeptAndAFinishedMigrationsFilesGo() throws Exception {
    Path oldest = migrated("m-00000001", "http://b:7070", "main");
    Path archive = migrated("m-00000002", "http://b:7070", "archive");
    Path elsewhere = migrated("m-00000003", "http://c:7070", "main");
    Path second = migrated("m-00000004", "http://b:7070", "main");
    Path newest = migrated("m-00000005", "http://b:7070", "main");

    List<MigrationStore.Base> deleted = bases.prune("m-00000005", "http://b:7070");

    assertThat(deleted).extracting(MigrationStore.Base::migrationId).containsExactly("m-00000001");
    assertThat(oldest).doesNotExist();
    assertThat(staging.resolve("outgoing/m-00000001")).doesNotExist();
    assertThat(tables.bases("main"))
        .extracting(MigrationStore.Base::migrationId)
        .containsExactly("m-00000005", "m-00000004", "m-00000003");
    // Another agent's store, and the stores kept for another peer, are not counted against these.
    assertThat(List.of(second, newest, archive, elsewhere)).allMatch(Files::isRegularFile);
    assertThat(bases.prune("m-00000005", "http://b:7070")).isEmpty();
  }

  @Test
  void equivalentSpellingsOfOnePeersUrlShareItsKeptStores() throws Exception {
    Path oldest = migrated("m-00000001", "http://B.lan:80", "main");
    Path second = migrated("m-00000002", "http://b.lan", "main");
    Path newest = migrated("m-00000003", "HTTP://b.LAN/", "main");

    List<MigrationStore.Base> deleted = bases.prune("m-00000003", "http://b.lan:80/");

    assertThat(deleted).extracting(MigrationStore.Base::migrationId).containsExactly("m-00000001");
    assertThat(oldest).doesNotExist();
    assertThat(List.of(second, newest)).allMatch(Files::isRegularFile);
  }
}
