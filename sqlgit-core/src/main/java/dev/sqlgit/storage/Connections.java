package dev.sqlgit.storage;

import dev.sqlgit.StorageException;
import dev.sqlgit.internal.sqlite.SqliteDb;
import dev.sqlgit.internal.sqlite.SqliteErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

/**
 * Opens the connections of one database file with the pragmas SPEC §4 requires: {@code
 * journal_mode=WAL}, {@code synchronous=NORMAL} (or FULL), {@code busy_timeout=5000} and {@code
 * foreign_keys=ON}. Readers get the same connection pragmas but are opened read-only.
 */
final class Connections {
  /** Milliseconds a connection waits for another process's lock before SQLITE_BUSY. */
  static final int BUSY_TIMEOUT_MS = 5000;

  private final Path file;
  private final boolean synchronousFull;

  Connections(Path file, boolean synchronousFull) {
    this.file = file.toAbsolutePath();
    this.synchronousFull = synchronousFull;
  }

  Path file() {
    return file;
  }

  /**
   * Opens the writer, creating the file (and its folder) when missing and switching it to WAL. The
   * writer must be opened before any reader: a read-only connection cannot create the file.
   */
  SQLiteConnection openWriter() {
    try {
      Path parent = file.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw SqliteErrors.io("create the folder of", file, e);
    }
    SQLiteConnection conn = open(false);
    // journal_mode is persistent and answers with the mode actually in force: a file system
    // without shared memory answers "delete", and silently running without WAL would make every
    // reader block the writer.
    String mode;
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
      mode = rs.next() ? rs.getString(1).toLowerCase(Locale.ROOT) : "unknown";
    } catch (SQLException e) {
      closeQuietly(conn);
      throw SqliteErrors.translate(e, "PRAGMA journal_mode = WAL");
    }
    if (!mode.equals("wal")) {
      closeQuietly(conn);
      throw new StorageException(
          "could not switch " + file + " to WAL (journal_mode is " + mode + ")", 1, null);
    }
    return conn;
  }

  /** Opens a read-only connection; the file must exist (open the writer first). */
  SqliteDb openReader() {
    return SqliteDb.wrap(open(true), file + " (reader)");
  }

  private SQLiteConnection open(boolean readOnly) {
    SQLiteConfig config = new SQLiteConfig();
    // Set through the driver so they apply before the first statement; PRAGMA busy_timeout via
    // executeUpdate would fail ("query returns results").
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    config.setSynchronous(
        synchronousFull ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
    config.enforceForeignKeys(true);
    config.setReadOnly(readOnly);
    try {
      return (SQLiteConnection) config.createConnection("jdbc:sqlite:" + file);
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, "open " + file + (readOnly ? " read-only" : ""));
    }
  }

  private static void closeQuietly(SQLiteConnection conn) {
    try {
      conn.close();
    } catch (SQLException ignored) {
      // already failing; the first error is the one to report
    }
  }
}
