package dev.sqlgit.log;

import dev.sqlgit.ClosedException;
import dev.sqlgit.internal.sqlite.SqliteErrors;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.NoSuchElementException;

/**
 * Records read row by row from a JDBC cursor on a connection of its own (sqlite-jdbc steps the
 * statement on each {@code next()}, so memory stays flat however long the document). The one {@code
 * SELECT} is one SQLite read transaction: the cursor sees a single snapshot. Iterating after {@link
 * #close} (the stream's or the store's) throws {@link ClosedException}. Thread-safe, so that the
 * store may close it while another thread iterates; {@code close} is idempotent.
 */
final class SqliteRecordCursor implements OpenStreams.Cursor {
  private final Connection conn;
  private final PreparedStatement statement;
  private final ResultSet rows;
  private final String sql;
  private Boolean ready; // null: not looked ahead yet
  private boolean closed;

  private SqliteRecordCursor(
      Connection conn, PreparedStatement statement, ResultSet rows, String sql) {
    this.conn = conn;
    this.statement = statement;
    this.rows = rows;
    this.sql = sql;
  }

  /** Opens a reader connection on {@code file} and starts {@code sql} (doc_id, from seq). */
  static SqliteRecordCursor open(Path file, String sql, String docId, long fromSeq) {
    Connection conn = SqliteLogConnections.openReader(file);
    try {
      PreparedStatement statement = conn.prepareStatement(sql);
      statement.setString(1, docId);
      statement.setLong(2, fromSeq);
      ResultSet rows = statement.executeQuery();
      SqliteRecordCursor cursor = new SqliteRecordCursor(conn, statement, rows, sql);
      // The first step starts the read transaction: the stream shows the document as of now.
      cursor.hasNext();
      return cursor;
    } catch (SQLException e) {
      closeQuietly(conn, e);
      throw SqliteErrors.translate(e, sql);
    } catch (RuntimeException e) {
      closeQuietly(conn, e);
      throw e;
    }
  }

  @Override
  public synchronized boolean hasNext() {
    if (closed) {
      throw new ClosedException("record stream"); // not a silent end: records would be missing
    }
    if (ready == null) {
      try {
        ready = rows.next();
      } catch (SQLException e) {
        throw SqliteErrors.translate(e, sql);
      }
    }
    return ready;
  }

  @Override
  public synchronized LogRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    try {
      LogRecord record = new LogRecord(rows.getLong(1), rows.getString(2));
      ready = null;
      return record;
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, sql);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      try {
        rows.close();
      } finally {
        try {
          statement.close();
        } finally {
          conn.close();
        }
      }
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, "close cursor");
    }
  }

  private static void closeQuietly(Connection conn, Exception cause) {
    try {
      conn.close();
    } catch (SQLException suppressed) {
      cause.addSuppressed(suppressed);
    }
  }
}
