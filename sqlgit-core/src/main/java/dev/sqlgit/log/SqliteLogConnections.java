package dev.sqlgit.log;

import dev.sqlgit.internal.sqlite.SqliteErrors;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/** Opens the connections of a {@link SqliteLogStore} with the pragmas of SPEC §4. */
final class SqliteLogConnections {
  private SqliteLogConnections() {}

  /** The store's one writer: WAL, synchronous=NORMAL, busy_timeout=5000, foreign_keys=ON. */
  static Connection openWriter(Path file) {
    SQLiteConfig config = base();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    return open(file, config, false);
  }

  /**
   * A connection for one record stream. It reads the WAL database the writer set up and refuses
   * writes ({@code query_only}); a statement on it reads one consistent snapshot, so a concurrent
   * replace is seen entirely or not at all.
   */
  static Connection openReader(Path file) {
    return open(file, base(), true);
  }

  private static SQLiteConfig base() {
    SQLiteConfig config = new SQLiteConfig();
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(5000);
    config.enforceForeignKeys(true);
    return config;
  }

  private static Connection open(Path file, SQLiteConfig config, boolean queryOnly) {
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    Connection conn = null;
    try {
      conn = config.createConnection(url);
      if (queryOnly) {
        try (Statement s = conn.createStatement()) {
          s.execute("PRAGMA query_only = 1");
        }
      }
      return conn;
    } catch (SQLException e) {
      if (conn != null) {
        try {
          conn.close();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw SqliteErrors.translate(e, "open " + file);
    }
  }
}
