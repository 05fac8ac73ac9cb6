package io.nxs.vault.internal;

import io.nxs.vault.VaultException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * Consistent copies of live SQLite databases through SQLite itself ({@code VACUUM INTO}, which
 * reads inside one read transaction, so a concurrent writer's WAL never leaves the copy half
 * updated), and SQLite's integrity check on a copy. Never copies a database file byte by byte.
 */
public final class SqliteCopy {

  private SqliteCopy() {}

  /** Copies through an open connection (e.g. the state store's) into a new file. */
  public static void copy(Connection source, Path into) {
    try {
      Files.createDirectories(into.toAbsolutePath().getParent());
      Files.deleteIfExists(into);
      try (PreparedStatement ps = source.prepareStatement("VACUUM INTO ?")) {
        ps.setString(1, into.toAbsolutePath().toString());
        ps.execute();
      }
    } catch (SQLException | java.io.IOException e) {
      throw new VaultException("cannot copy the database into " + into + ": " + e.getMessage(), e);
    }
  }

  /** Opens another program's database read-only (it may be in use) and copies it. */
  public static void copyReadOnly(Path database, Path into) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(30_000);
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:sqlite:" + database.toAbsolutePath(), config.toProperties())) {
      copy(c, into);
    } catch (SQLException e) {
      throw new VaultException("cannot open " + database + " to copy it: " + e.getMessage(), e);
    }
  }

  /**
   * Runs {@code PRAGMA integrity_check} on a file.
   *
   * @return SQLite's findings, {@code ["ok"]} when healthy
   */
  public static List<String> integrityCheck(Path database) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    List<String> findings = new ArrayList<>();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:sqlite:" + database.toAbsolutePath(), config.toProperties());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
      while (rs.next()) {
        findings.add(rs.getString(1));
      }
    } catch (SQLException e) {
      findings.add(
          e.getMessage() == null ? "cannot open" : e.getMessage().lines().findFirst().orElse(""));
    }
    return findings;
  }

  /** Whether a file starts with SQLite's header. */
  public static boolean isDatabase(Path file) {
    try (var in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(16);
      return new String(head, java.nio.charset.StandardCharsets.US_ASCII)
          .equals("SQLite format 3\0");
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
