package io.nxs.doctor.db;

import io.nxs.core.NxsException;
import io.nxs.core.state.StateStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JDBC steps every Doctor store repeats — connect, prepare, bind, read, close, and turn a
 * failure into one {@link NxsException} naming what was being read or written — written once.
 */
public final class Jdbc {

  /** Binds a statement's parameters. */
  @FunctionalInterface
  public interface Binder {
    void bind(PreparedStatement statement) throws SQLException;

    /** Binds nothing. */
    Binder NONE = s -> {};
  }

  /** Reads one row. */
  @FunctionalInterface
  public interface Row<T> {
    T read(ResultSet row) throws SQLException, IOException;
  }

  /** Work on one connection, e.g. several statements in a transaction. */
  @FunctionalInterface
  public interface Work {
    void run(Connection connection) throws SQLException;
  }

  private final StateStore store;
  private final String what;

  /**
   * @param what what the tables hold, for error messages, e.g. {@code the healing log}
   */
  public Jdbc(StateStore store, String what) {
    this.store = store;
    this.what = what;
  }

  /** Runs one insert, update or delete; returns the rows it changed. */
  public int update(String sql, Binder binder) {
    try (Connection c = store.connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      binder.bind(s);
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new NxsException("cannot write " + what + ": " + e.getMessage(), e);
    }
  }

  /** Every row of a query. */
  public <T> List<T> list(String sql, Binder binder, Row<T> row) {
    List<T> out = new ArrayList<>();
    try (Connection c = store.connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      binder.bind(s);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(row.read(rs));
        }
      }
    } catch (SQLException | IOException e) {
      throw new NxsException("cannot read " + what + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** The first row of a query, if any. */
  public <T> Optional<T> first(String sql, Binder binder, Row<T> row) {
    List<T> all = list(sql, binder, row);
    return all.isEmpty() ? Optional.empty() : Optional.ofNullable(all.getFirst());
  }

  /** Reads the first column of a row as JSON of a type. */
  public static <T> Row<T> json(Class<T> type) {
    return rs -> io.nxs.core.Json.mapper().readValue(rs.getString(1), type);
  }

  /** Binds an instant as epoch milliseconds, or SQL NULL. */
  public static void setInstant(PreparedStatement s, int index, java.time.Instant at)
      throws SQLException {
    if (at == null) {
      s.setNull(index, java.sql.Types.INTEGER);
    } else {
      s.setLong(index, at.toEpochMilli());
    }
  }

  /** Reads epoch milliseconds as an instant, or null for SQL NULL. */
  public static java.time.Instant instant(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : java.time.Instant.ofEpochMilli(v);
  }

  /** One past the largest {@code seq} of a table, 1 when it is empty: the next id's number. */
  public long nextSeq(String table) {
    return first("SELECT COALESCE(MAX(seq), 0) + 1 FROM " + table, Binder.NONE, rs -> rs.getLong(1))
        .orElse(1L);
  }

  /** Runs work on one connection in one transaction, rolled back when it throws. */
  public void inTransaction(Work work) {
    try (Connection c = store.connect()) {
      c.setAutoCommit(false);
      try {
        work.run(c);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new NxsException("cannot write " + what + ": " + e.getMessage(), e);
    }
  }
}
