package io.nxs.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {

  @TempDir Path home;

  @Test
  void createsTheDatabaseReadableOnlyByTheOwnerInWalMode() throws Exception {
    StateStore store = StateStore.open(home.resolve("state.db"));

    assertThat(SecureFiles.permissions(store.file())).isEqualTo("rw-------");
    try (Connection c = store.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("wal");
    }
    try (Connection c = store.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
      rs.next();
      assertThat(rs.getInt(1)).as("FULL").isEqualTo(2);
    }
  }

  @Test
  void migratesEachModuleWithItsOwnHistoryTable() throws Exception {
    StateStore store = StateStore.open(home.resolve("state.db"));

    store.migrate("core");
    store.migrate("core");

    try (Connection c = store.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
      StringBuilder names = new StringBuilder();
      while (rs.next()) {
        names.append(rs.getString(1)).append(' ');
      }
      assertThat(names.toString()).contains("api_keys").contains("core_schema_history");
    }
  }

  @Test
  void refusesAFileThatIsNotADatabaseNamingTheFileAndWhatToDo() throws Exception {
    Path file = home.resolve("state.db");
    Files.write(
        file, "this is not sqlite, just some bytes that are long enough".repeat(100).getBytes());

    assertThatThrownBy(() -> StateStore.open(file))
        .isInstanceOf(CorruptStateException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("restore it from the latest backup");
  }

  @Test
  void detectsADamagedPageInsideARealDatabase() throws Exception {
    Path file = home.resolve("state.db");
    StateStore store = StateStore.open(file);
    try (Connection c = store.connect();
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=DELETE");
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
      s.execute("CREATE INDEX t_v ON t (v)");
      for (int i = 0; i < 400; i++) {
        s.execute("INSERT INTO t (v) VALUES ('value-" + i + "-" + "x".repeat(50) + "')");
      }
    }
    byte[] bytes = Files.readAllBytes(file);
    // Scribble over the second page (the table's b-tree), keeping the header intact.
    for (int i = 4096 + 8; i < 4096 + 200 && i < bytes.length; i++) {
      bytes[i] = (byte) 0x5A;
    }
    Files.write(file, bytes);

    assertThatThrownBy(() -> StateStore.open(file)).isInstanceOf(CorruptStateException.class);
  }

  @Test
  void atomicWriteReplacesContentWithPrivateMode() throws Exception {
    Path file = home.resolve("secret.txt");
    SecureFiles.writeAtomically(file, "one".getBytes());
    SecureFiles.writeAtomically(file, "two".getBytes());

    assertThat(Files.readString(file)).isEqualTo("two");
    assertThat(SecureFiles.permissions(file)).isEqualTo("rw-------");
    assertThat(home.resolve(".secret.txt.tmp")).doesNotExist();
  }
}
