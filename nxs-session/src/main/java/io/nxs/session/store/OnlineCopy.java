package io.nxs.session.store;

import io.nxs.session.SessionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import org.sqlite.SQLiteConfig;

/**
 * A consistent copy of a live SQLite database that another program (OpenClaw) keeps open, made by
 * SQLite itself: {@code VACUUM INTO} on a read-only connection runs inside one read transaction, so
 * OpenClaw's writer is never blocked (WAL mode) and the copy is one committed state. Never copies
 * the file byte by byte.
 */
public final class OnlineCopy {

  private OnlineCopy() {}

  /**
   * Copies {@code live} into the new file {@code into}.
   *
   * @return how long the read transaction was open
   * @throws SessionException when the database cannot be read
   */
  public static Duration copy(Path live, Path into) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(30_000);
    long started = System.nanoTime();
    try {
      Files.createDirectories(into.toAbsolutePath().getParent());
      Files.deleteIfExists(into);
      try (Connection c =
              DriverManager.getConnection(
                  "jdbc:sqlite:" + live.toAbsolutePath(), config.toProperties());
          PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
        ps.setString(1, into.toAbsolutePath().toString());
        ps.execute();
      }
      return Duration.ofNanos(System.nanoTime() - started);
    } catch (SQLException | IOException e) {
      throw new SessionException(
          "cannot copy the live database " + live + ": " + AgentStore.firstLine(e), e);
    }
  }
}
