package io.nxs.cluster.internal;

import io.nxs.core.NxsException;
import io.nxs.core.state.StateStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code cluster_durable} table: one row per durable Distributed Data key, holding the latest
 * envelope Pekko's serializer made of it. Each put is its own committed transaction on the node's
 * state database (WAL, {@code synchronous=FULL}), so what Pekko was told is stored survives a
 * SIGKILL.
 */
final class DurableRows implements AutoCloseable {

  /**
   * One stored envelope.
   *
   * @param serializer Pekko's serializer id
   * @param manifest the serializer's manifest
   */
  record Row(String key, int serializer, String manifest, byte[] envelope) {}

  private final StateStore store;
  private final Connection connection;

  /** Opens a connection of its own on {@code store} (migrated for the {@code cluster} module). */
  DurableRows(StateStore store) {
    this.store = store;
    this.connection = store.connect();
  }

  void put(Row row, long atEpochMilli) {
    try (PreparedStatement s =
        connection.prepareStatement(
            "INSERT INTO cluster_durable (key, serializer, manifest, envelope, updated_at)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
                + " serializer = excluded.serializer, manifest = excluded.manifest,"
                + " envelope = excluded.envelope, updated_at = excluded.updated_at")) {
      s.setString(1, row.key());
      s.setInt(2, row.serializer());
      s.setString(3, row.manifest());
      s.setBytes(4, row.envelope());
      s.setLong(5, atEpochMilli);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new NxsException(
          "cannot store the cluster's durable key '"
              + row.key()
              + "' in "
              + store.file()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  List<Row> all() {
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement s =
            connection.prepareStatement(
                "SELECT key, serializer, manifest, envelope FROM cluster_durable ORDER BY key");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        rows.add(new Row(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getBytes(4)));
      }
      return rows;
    } catch (SQLException e) {
      throw new NxsException(
          "cannot read the cluster's durable keys from " + store.file() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new NxsException("closing the cluster's durable store: " + e.getMessage(), e);
    }
  }
}
