package io.nxs.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.NxsException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start whose migration scripts are those the module was last migrated with skips Flyway; any
 * added or edited script brings Flyway (and its validation) back.
 */
class MigrationFingerprintTest {

  @TempDir Path dir;

  private Path script(String name, String sql) throws Exception {
    Path file = dir.resolve("classes/db/demo").resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, sql);
    return file;
  }

  private URLClassLoader scripts() throws Exception {
    return new URLClassLoader(new URL[] {dir.resolve("classes").toUri().toURL()}, null);
  }

  private static void sql(StateStore store, String statement) throws Exception {
    try (Connection c = store.connect();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static long count(StateStore store, String table) throws Exception {
    try (Connection c = store.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aRestartWithTheSameScriptsDoesNotRunFlywayAgain() throws Exception {
    script("V1__a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);");
    Path db = dir.resolve("state.db");
    try (URLClassLoader loader = scripts()) {
      StateStore.open(db, loader).migrate("demo");
    }
    // Flyway's validation would refuse this history; a skipped run never looks at it.
    sql(StateStore.open(db), "UPDATE demo_schema_history SET checksum = 1 WHERE version = '1'");

    try (URLClassLoader loader = scripts()) {
      StateStore again = StateStore.open(db, loader);
      assertThatCode(() -> again.migrate("demo")).doesNotThrowAnyException();
      assertThat(count(again, "a")).isZero();
    }
  }

  @Test
  void aScriptAddedSinceTheLastStartIsApplied() throws Exception {
    script("V1__a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);");
    Path db = dir.resolve("state.db");
    try (URLClassLoader loader = scripts()) {
      StateStore.open(db, loader).migrate("demo");
    }
    script("V2__b.sql", "CREATE TABLE b (id INTEGER PRIMARY KEY);");

    try (URLClassLoader loader = scripts()) {
      StateStore again = StateStore.open(db, loader);
      again.migrate("demo");
      assertThat(count(again, "b")).isZero();
      assertThat(count(again, "demo_schema_history WHERE version = '2' AND success = 1"))
          .isEqualTo(1);
    }
  }

  @Test
  void anEditedAppliedScriptIsStillRefusedByFlywaysValidation() throws Exception {
    script("V1__a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);");
    Path db = dir.resolve("state.db");
    try (URLClassLoader loader = scripts()) {
      StateStore.open(db, loader).migrate("demo");
    }
    script("V1__a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY, extra TEXT);");

    try (URLClassLoader loader = scripts()) {
      StateStore again = StateStore.open(db, loader);
      assertThatThrownBy(() -> again.migrate("demo"))
          .isInstanceOf(NxsException.class)
          .hasMessageContaining("migrating the demo tables");
    }
  }

  private static java.util.List<String> history(Path db) throws Exception {
    java.util.List<String> rows = new java.util.ArrayList<>();
    try (Connection c = StateStore.open(db).connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version, description, type, script, checksum, success"
                    + " FROM demo_schema_history ORDER BY installed_rank")) {
      while (rs.next()) {
        rows.add(
            String.join(
                "|",
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6)));
      }
    }
    return rows;
  }

  @Test
  void theStoresOwnScriptListMigratesAsFlywaysScanDidSoOlderHomesStillValidate() throws Exception {
    script("V1__a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);");
    script("V2__b.sql", "CREATE TABLE b (id INTEGER PRIMARY KEY);\nINSERT INTO b VALUES (7);");
    script("sub/V3__c.sql", "CREATE TABLE c (id INTEGER PRIMARY KEY);");
    Path ours = dir.resolve("ours.db");
    Path scanned = dir.resolve("scanned.db");
    // Both files hold the store's own table first, as every home did when Flyway first ran.
    sql(
        StateStore.open(scanned),
        "CREATE TABLE nxs_schema_fingerprints (module TEXT PRIMARY KEY, fingerprint TEXT NOT NULL)");
    try (URLClassLoader loader = scripts()) {
      StateStore.open(ours, loader).migrate("demo");
      // A home as Flyway's own class path scan migrated it (before the store listed the scripts).
      org.sqlite.SQLiteDataSource plain = new org.sqlite.SQLiteDataSource();
      plain.setUrl("jdbc:sqlite:" + scanned);
      org.flywaydb.core.Flyway.configure(loader)
          .dataSource(plain)
          .locations("classpath:db/demo")
          .table("demo_schema_history")
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .load()
          .migrate();
    }

    assertThat(history(ours)).hasSize(4).isEqualTo(history(scanned));
    assertThat(count(StateStore.open(ours), "b")).isEqualTo(1);
    // The scanned home, migrated again through the store, validates (and applies what is new).
    script("V4__d.sql", "CREATE TABLE d (id INTEGER PRIMARY KEY);");
    try (URLClassLoader loader = scripts()) {
      StateStore store = StateStore.open(scanned, loader);
      assertThatCode(() -> store.migrate("demo")).doesNotThrowAnyException();
      assertThat(count(store, "d")).isZero();
    }
    assertThat(history(scanned)).hasSize(5);
  }
}
