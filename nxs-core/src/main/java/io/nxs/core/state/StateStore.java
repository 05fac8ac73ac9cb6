package io.nxs.core.state;

import io.nxs.core.NxsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
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
 */
public final class StateStore {

  private static final Pattern MODULE = Pattern.compile("[a-z][a-z0-9_]*");

  private final Path file;
  private final SQLiteDataSource dataSource;
  private final SQLiteDataSource migrations;

  private StateStore(Path file) {
    this.file = file;
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
    SecureFiles.ensureDirectory(file.toAbsolutePath().getParent());
    SecureFiles.createPrivateFile(file);
    StateStore store = new StateStore(file);
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
   * Runs a module's pending migrations from {@code classpath:db/<module>}.
   *
   * @throws NxsException naming the module and migration when one fails
   */
  public void migrate(String module) {
    if (!MODULE.matcher(module).matches()) {
      throw new IllegalArgumentException("module name must be lower snake case: " + module);
    }
    try {
      Flyway.configure(getClass().getClassLoader())
          .dataSource(migrations)
          .locations("classpath:db/" + module)
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

  /** The size of the database file in bytes, WAL excluded. */
  public long sizeBytes() {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      return 0;
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
