package io.nxs.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.NxsException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start whose migration scripts are those the module was last migrated with skips Flyway; any
 * added or edited script brings Flyway (and its validation) back.
 */
class MigrationFingerprintTest {

  @TempDir Path dir;

  // Each start of a daemon is a new process; the JDK's cache of opened jars (by URL) would hand a
  // later "start" in this one JVM the jar file a former one opened.
  @BeforeEach
  void noJarCache() {
    URLConnection.setDefaultUseCaches("jar", false);
  }

  @AfterEach
  void jarCache() {
    URLConnection.setDefaultUseCaches("jar", true);
  }

  /**
   * Writes a jar at {@code jar} holding {@code files} (path to content) and a few thousand other
   * entries, as a release replaces its jar: written beside it, then moved over it.
   */
  private static void jar(Path jar, Map<String, String> files) throws Exception {
    Path next = jar.resolveSibling(jar.getFileName() + ".next");
    try (OutputStream out = Files.newOutputStream(next);
        JarOutputStream zip = new JarOutputStream(out)) {
      for (int i = 0; i < 3000; i++) {
        zip.putNextEntry(new JarEntry("io/example/C" + i + ".class"));
        zip.closeEntry();
      }
      // Folders have entries of their own, as in every jar Maven builds.
      zip.putNextEntry(new JarEntry("db/"));
      zip.putNextEntry(new JarEntry("db/demo/"));
      for (Map.Entry<String, String> f : files.entrySet()) {
        zip.putNextEntry(new JarEntry(f.getKey()));
        zip.write(f.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    Files.move(next, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static URLClassLoader loader(Path jar) throws Exception {
    return new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
  }

  private Path script(String name, String sql) throws Exception {
    return script("demo", name, sql);
  }

  private Path script(String module, String name, String sql) throws Exception {
    Path file = dir.resolve("classes/db").resolve(module).resolve(name);
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
    return history(db, "demo");
  }

  private static java.util.List<String> history(Path db, String module) throws Exception {
    java.util.List<String> rows = new java.util.ArrayList<>();
    try (Connection c = StateStore.open(db).connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version, description, type, script, checksum, success"
                    + " FROM "
                    + module
                    + "_schema_history ORDER BY installed_rank")) {
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

  @Test
  void onePassMigratesEveryModuleIntoTheSameHistoryAsOneRunPerModule() throws Exception {
    script("V1__a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);");
    script("V2__b.sql", "CREATE TABLE b (id INTEGER PRIMARY KEY);");
    script("other", "V1__o.sql", "CREATE TABLE o (id INTEGER PRIMARY KEY);");
    script("later", "V1__l.sql", "CREATE TABLE l (id INTEGER PRIMARY KEY);");
    Path pass = dir.resolve("pass.db");
    Path each = dir.resolve("each.db");
    try (URLClassLoader loader = scripts()) {
      StateStore.open(pass, loader).migrate(List.of("demo", "other", "later"));
      // A home as every earlier version made it: one migrate (one Flyway run) per module.
      StateStore perModule = StateStore.open(each, loader);
      perModule.migrate("demo");
      perModule.migrate("other");
      perModule.migrate("later");
    }

    for (String module : List.of("demo", "other", "later")) {
      assertThat(history(pass, module)).isNotEmpty().isEqualTo(history(each, module));
    }
    assertThat(count(StateStore.open(pass), "nxs_schema_fingerprints")).isEqualTo(3);
  }

  @Test
  void aHomeMigratedModuleByModuleUpgradesInOnePassKeepingItsRows() throws Exception {
    script("V1__a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT);");
    script("other", "V1__o.sql", "CREATE TABLE o (id INTEGER PRIMARY KEY);");
    Path db = dir.resolve("state.db");
    try (URLClassLoader loader = scripts()) {
      StateStore old = StateStore.open(db, loader);
      old.migrate("demo");
      old.migrate("other");
      sql(old, "INSERT INTO a (v) VALUES ('kept')");
    }
    // The new version adds a script to one module and a module of its own.
    script("V2__a2.sql", "ALTER TABLE a ADD COLUMN w TEXT;");
    script("fresh", "V1__f.sql", "CREATE TABLE f (id INTEGER PRIMARY KEY);");

    try (URLClassLoader loader = scripts()) {
      StateStore.open(db, loader).migrate(List.of("demo", "other", "fresh"));
    }

    StateStore after = StateStore.open(db);
    assertThat(count(after, "a WHERE v = 'kept' AND w IS NULL")).isEqualTo(1);
    assertThat(count(after, "f")).isZero();
    // Each script ran once: demo's baseline, V1 and the new V2; other's untouched.
    assertThat(history(db, "demo"))
        .extracting(r -> r.split("\\|")[0])
        .containsExactly("0", "1", "2");
    assertThat(history(db, "other")).extracting(r -> r.split("\\|")[0]).containsExactly("0", "1");
  }

  @Test
  void onePassStopsAtTheFailingModuleNamingItAndKeepsTheModulesBefore() throws Exception {
    script("V1__a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);");
    script("broken", "V1__x.sql", "CREATE TABLE oops (;");
    script("after", "V1__z.sql", "CREATE TABLE z (id INTEGER PRIMARY KEY);");
    Path db = dir.resolve("state.db");
    try (URLClassLoader loader = scripts()) {
      StateStore store = StateStore.open(db, loader);
      assertThatThrownBy(() -> store.migrate(List.of("demo", "broken", "after")))
          .isInstanceOf(NxsException.class)
          .hasMessageContaining("migrating the broken tables");
      assertThat(count(store, "a")).isZero();
      assertThat(count(store, "nxs_schema_fingerprints WHERE module = 'demo'")).isEqualTo(1);
      assertThat(count(store, "sqlite_master WHERE name IN ('z', 'after_schema_history')"))
          .isZero();
    }
  }

  @Test
  void aNameThatIsNotLowerSnakeCaseMigratesNothing() throws Exception {
    script("V1__a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);");
    try (URLClassLoader loader = scripts()) {
      StateStore store = StateStore.open(dir.resolve("state.db"), loader);
      assertThatThrownBy(() -> store.migrate(List.of("demo", "Bad-Name")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Bad-Name");
      assertThat(count(store, "sqlite_master WHERE name = 'a'")).isZero();
    }
  }

  @Test
  void anUpgradedJarWithAnAddedScriptIsListedAgainAndTheScriptApplied() throws Exception {
    Path app = dir.resolve("nxs.jar");
    String v1 = "CREATE TABLE a (id INTEGER PRIMARY KEY);";
    jar(app, Map.of("db/demo/V1__a.sql", v1));
    Path db = dir.resolve("state.db");
    try (URLClassLoader loader = loader(app)) {
      StateStore.open(db, loader).migrate("demo");
    }
    assertThat(count(StateStore.open(db), "nxs_script_listings")).isEqualTo(1);

    // The next release: the same path, one script more.
    jar(app, Map.of("db/demo/V1__a.sql", v1, "db/demo/V2__b.sql", "CREATE TABLE b (id INTEGER);"));
    try (URLClassLoader loader = loader(app)) {
      StateStore again = StateStore.open(db, loader);
      again.migrate("demo");
      assertThat(count(again, "b")).isZero();
    }
    assertThat(history(db)).extracting(r -> r.split("\\|")[0]).containsExactly("0", "1", "2");
    assertThat(
            count(
                StateStore.open(db),
                "nxs_script_listings WHERE scripts LIKE '%db/demo/V2__b.sql%'"))
        .isEqualTo(1);
  }

  @Test
  void aRestartWithTheSameJarTakesItsScriptListFromTheHomeNotFromTheJar() throws Exception {
    Path app = dir.resolve("nxs.jar");
    jar(app, Map.of("db/demo/V1__a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);"));
    Path db = dir.resolve("state.db");
    try (URLClassLoader loader = loader(app)) {
      StateStore.open(db, loader).migrate("demo");
    }
    // The home's listing for this very jar (same path and stamp) names a script the jar lacks:
    // a start that read the listing looks for that script; one that walked the jar would not.
    sql(
        StateStore.open(db),
        "UPDATE nxs_script_listings SET scripts = scripts || char(10) || 'db/demo/V2__gone.sql'");

    try (URLClassLoader loader = loader(app)) {
      StateStore again = StateStore.open(db, loader);
      assertThatThrownBy(() -> again.migrate("demo"))
          .isInstanceOf(NxsException.class)
          .hasMessageContaining("db/demo/V2__gone.sql");
    }
  }
}
