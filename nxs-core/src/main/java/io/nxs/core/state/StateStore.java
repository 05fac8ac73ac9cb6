package io.nxs.core.state;

import io.nxs.core.NxsException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The one embedded SQLite file, {@code state.db}, that every module keeps its tables in.
 *
 * <p>Connections run in WAL mode with {@code synchronous=FULL}: a committed transaction survives a
 * SIGKILL or power loss. Each module migrates its own tables with Flyway from {@code
 * classpath:db/<module>} and its own history table {@code <module>_schema_history}; no module reads
 * another's tables. The file is created with mode 0600 (SQLite gives its WAL and shared-memory
 * files the same mode) and checked with {@code PRAGMA quick_check} when opened.
 *
 * <p>Design note: a Flyway run costs tens of milliseconds per module even with nothing to do (it
 * scans the class path, parses every script for its checksum and validates the history), and most
 * starts have nothing to do. So the store lists every module's scripts in one pass over the class
 * path, and after a module's successful Flyway run records the SHA-256 of its scripts in {@code
 * nxs_schema_fingerprints}. A later {@link #migrate} whose scripts have that same fingerprint was
 * already migrated by exactly these scripts and returns at once; any added or edited script changes
 * the fingerprint, and Flyway then runs (and validates) as before — given that same list of scripts
 * as its resources, so it does not scan the class path again (ADR 0064). The list of a jar's
 * scripts is itself kept in {@code nxs_script_listings} under the jar's path and file stamp, so a
 * restart with the same jar does not walk its directory again (ADR 0069).
 */
public final class StateStore {

  private static final Pattern MODULE = Pattern.compile("[a-z][a-z0-9_]*");

  private static final String FINGERPRINTS =
      "CREATE TABLE IF NOT EXISTS nxs_schema_fingerprints"
          + " (module TEXT PRIMARY KEY, fingerprint TEXT NOT NULL)";

  private static final String LISTINGS =
      "CREATE TABLE IF NOT EXISTS nxs_script_listings"
          + " (jar TEXT PRIMARY KEY, stamp TEXT NOT NULL, scripts TEXT NOT NULL)";

  private final Path file;
  private final SQLiteDataSource dataSource;
  private final SQLiteDataSource migrations;
  private final ClassLoader scripts;
  private MigrationScripts catalog;
  // Every module's recorded fingerprint, read in one query at the first migrate. A stale entry
  // (another process migrated since) can only differ from the scripts, which runs Flyway: safe.
  private Map<String, String> recorded;

  private StateStore(Path file, ClassLoader scripts) {
    this.file = file;
    this.scripts = scripts;
    this.dataSource = dataSource(file, SQLiteConfig.TransactionMode.DEFERRED);
    // Migrations take the write lock when they begin: a deferred transaction that reads the schema
    // history and then writes fails at once with SQLITE_BUSY when another module committed in
    // between (e.g. the cluster's audit entries while a later module migrates); an immediate one
    // waits for the busy timeout instead.
    this.migrations = dataSource(file, SQLiteConfig.TransactionMode.IMMEDIATE);
  }

  private static SQLiteDataSource dataSource(Path file, SQLiteConfig.TransactionMode mode) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(30_000);
    config.enforceForeignKeys(true);
    config.setTransactionMode(mode);
    SQLiteDataSource ds = new SQLiteDataSource(config);
    ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    return ds;
  }

  /**
   * Opens (creating if needed, mode 0600) and integrity-checks a database file.
   *
   * @throws CorruptStateException when the file is not a healthy SQLite database
   */
  public static StateStore open(Path file) {
    return open(file, StateStore.class.getClassLoader());
  }

  /** As {@link #open(Path)}, finding migration scripts through {@code scripts}. */
  static StateStore open(Path file, ClassLoader scripts) {
    SqliteLibrary.useCache();
    SecureFiles.ensureDirectory(file.toAbsolutePath().getParent());
    SecureFiles.createPrivateFile(file);
    StateStore store = new StateStore(file, scripts);
    store.checkIntegrity();
    return store;
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  /** A new connection with the store's pragmas; the caller closes it. */
  public Connection connect() {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      throw failure("cannot open", e);
    }
  }

  /**
   * Runs a module's pending migrations from {@code classpath:db/<module>}; returns at once when the
   * module was last migrated by exactly the scripts on the class path now.
   *
   * @throws NxsException naming the module and migration when one fails
   */
  public void migrate(String module) {
    migrate(List.of(module));
  }

  /**
   * Migrates several modules in one pass, in the order given: one listing of the class path's
   * scripts and one read of the recorded fingerprints for all of them, then, for each module whose
   * scripts changed since its last run, Flyway on that module's own history table (so a home
   * migrated module by module, by any earlier version, is the same home). A module whose scripts
   * are unchanged costs a map lookup. Stops at the first module that fails; the modules before it
   * stay migrated and recorded.
   *
   * @throws IllegalArgumentException when a name is not lower snake case (nothing is migrated)
   * @throws NxsException naming the module and migration when one fails
   */
  public synchronized void migrate(List<String> modules) {
    for (String module : modules) {
      if (!MODULE.matcher(module).matches()) {
        throw new IllegalArgumentException("module name must be lower snake case: " + module);
      }
    }
    if (catalog == null) {
      catalog = MigrationScripts.scan(scripts, new KeptListings());
    }
    if (recorded == null) {
      recorded = recordedFingerprints();
    }
    for (String module : modules) {
      String fingerprint = catalog.fingerprint(module);
      if (!fingerprint.isEmpty() && fingerprint.equals(recorded.get(module))) {
        continue;
      }
      runFlyway(module);
      if (!fingerprint.isEmpty()) {
        recordFingerprint(module, fingerprint);
        recorded.put(module, fingerprint);
      }
    }
  }

  private Map<String, String> recordedFingerprints() {
    Map<String, String> found = new HashMap<>();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(FINGERPRINTS);
      try (ResultSet rs =
          s.executeQuery("SELECT module, fingerprint FROM nxs_schema_fingerprints")) {
        while (rs.next()) {
          found.put(rs.getString(1), rs.getString(2));
        }
      }
      return found;
    } catch (SQLException e) {
      throw failure("cannot read the migration fingerprints of", e);
    }
  }

  private void recordFingerprint(String module, String fingerprint) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement upsert =
            c.prepareStatement(
                "INSERT INTO nxs_schema_fingerprints (module, fingerprint) VALUES (?, ?)"
                    + " ON CONFLICT (module) DO UPDATE SET fingerprint = excluded.fingerprint")) {
      upsert.setString(1, module);
      upsert.setString(2, fingerprint);
      upsert.executeUpdate();
    } catch (SQLException e) {
      throw failure("cannot record the migration fingerprint in", e);
    }
  }

  /**
   * The jars' script listings kept in this store: one row per jar path, the listing of the jar's
   * last stamp (a newline between paths; script paths have none).
   */
  private final class KeptListings implements MigrationScripts.Listings {

    @Override
    public Optional<List<String>> find(String jar, String stamp) {
      try (Connection c = dataSource.getConnection()) {
        create(c);
        try (PreparedStatement select =
            c.prepareStatement("SELECT stamp, scripts FROM nxs_script_listings WHERE jar = ?")) {
          select.setString(1, jar);
          try (ResultSet rs = select.executeQuery()) {
            if (!rs.next() || !stamp.equals(rs.getString(1))) {
              return Optional.empty();
            }
            String scripts = rs.getString(2);
            return Optional.of(scripts.isEmpty() ? List.of() : List.of(scripts.split("\n")));
          }
        }
      } catch (SQLException e) {
        throw failure("cannot read the migration script listings of", e);
      }
    }

    @Override
    public void keep(String jar, String stamp, List<String> scripts) {
      try (Connection c = dataSource.getConnection()) {
        create(c);
        try (PreparedStatement upsert =
            c.prepareStatement(
                "INSERT INTO nxs_script_listings (jar, stamp, scripts) VALUES (?, ?, ?)"
                    + " ON CONFLICT (jar) DO UPDATE SET stamp = excluded.stamp,"
                    + " scripts = excluded.scripts")) {
          upsert.setString(1, jar);
          upsert.setString(2, stamp);
          upsert.setString(3, String.join("\n", scripts));
          upsert.executeUpdate();
        }
      } catch (SQLException e) {
        throw failure("cannot keep the migration script listing in", e);
      }
    }

    private static void create(Connection c) throws SQLException {
      try (Statement create = c.createStatement()) {
        create.execute(LISTINGS);
      }
    }
  }

  private void runFlyway(String module) {
    String location = "classpath:db/" + module;
    try {
      FluentConfiguration flyway =
          Flyway.configure(scripts).dataSource(migrations).locations(location);
      if (!catalog.of(module).isEmpty()) {
        // The scripts this store listed in its one pass over the class path: Flyway's own scanner
        // would walk every class path root (the 48k-entry jar) again for each module. A module
        // whose scripts the pass could not list (another kind of root) is scanned by Flyway.
        flyway
            .resourceProvider(catalog.resources(module, new Location(location)))
            .javaMigrationClassProvider(List::of);
      }
      flyway
          .table(module + "_schema_history")
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new NxsException(
          "migrating the " + module + " tables in " + file + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Runs SQLite's quick integrity check.
   *
   * @throws CorruptStateException with SQLite's findings when the file is damaged
   */
  public void checkIntegrity() {
    List<String> findings = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
      while (rs.next()) {
        findings.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new CorruptStateException(file, firstLine(e.getMessage()));
    }
    if (!(findings.size() == 1 && "ok".equals(findings.getFirst()))) {
      throw new CorruptStateException(
          file, String.join("; ", findings.subList(0, Math.min(3, findings.size()))));
    }
  }

  private NxsException failure(String what, SQLException e) {
    return new NxsException(what + " state database " + file + ": " + firstLine(e.getMessage()), e);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
