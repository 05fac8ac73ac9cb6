package io.nxs.doctor.db;

import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.core.state.StateStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads Doctor tables that keep each record as a JSON {@code body} column. */
public final class JsonRows {

  private JsonRows() {}

  /**
   * The first column of every row of {@code sql}, parsed as {@code type}.
   *
   * @param limit bound to the query's one {@code ?}, or negative when it has none
   * @param what what the table holds, for the error message ("the healing log")
   */
  public static <T> List<T> read(
      StateStore store, String sql, int limit, Class<T> type, String what) {
    List<T> out = new ArrayList<>();
    try (Connection c = store.connect();
        PreparedStatement q = c.prepareStatement(sql)) {
      if (limit >= 0) {
        q.setInt(1, limit);
      }
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          out.add(Json.mapper().readValue(rs.getString(1), type));
        }
      }
    } catch (SQLException | IOException e) {
      throw new NxsException("cannot read " + what + ": " + e.getMessage(), e);
    }
    return out;
  }
}
