package dev.sqlgit.log;

import dev.sqlgit.internal.sqlite.SqliteErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The writer connection of a {@link SqliteLogStore}: cached prepared statements, {@code BEGIN
 * IMMEDIATE} … {@code COMMIT} transactions rolled back on any failure, and the {@link WriteFault}
 * hook before every statement of a write. Every {@link SQLException} leaves here translated by
 * {@link SqliteErrors}, naming the statement. Not thread-safe: the store calls it under its lock.
 */
final class SqliteWriter implements AutoCloseable {
  /** Reads a result set; the result set is closed afterwards, which ends its read transaction. */
  interface Rows<T> {
    T read(ResultSet rows) throws SQLException;
  }

  private final Connection conn;
  private final WriteFault fault;
  private final Map<String, PreparedStatement> prepared = new HashMap<>();

  SqliteWriter(Connection conn, WriteFault fault) {
    this.conn = conn;
    this.fault = fault;
  }

  /** Runs schema statements in autocommit mode, outside the fault hook. */
  void executeSchema(String... statements) {
    for (String statement : statements) {
      try (Statement s = conn.createStatement()) {
        s.execute(statement);
      } catch (SQLException e) {
        throw SqliteErrors.translate(e, statement);
      }
    }
  }

  /** Runs {@code work} in one transaction; any exception rolls it back and propagates. */
  <T> T inTransaction(Supplier<T> work) {
    execute("BEGIN IMMEDIATE");
    try {
      T result = work.get();
      execute("COMMIT");
      return result;
    } catch (RuntimeException | Error e) {
      try (Statement s = conn.createStatement()) {
        s.execute("ROLLBACK");
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed); // e.g. SQLite already rolled back on SQLITE_FULL
      }
      throw e;
    }
  }

  /** Runs a write statement with {@code args} bound in order. */
  void update(String statement, Object... args) {
    try {
      fault.beforeWrite(statement);
      bind(statement, args).executeUpdate();
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, statement);
    }
  }

  /** Runs a query with {@code args} bound in order and reads its rows with {@code reader}. */
  <T> T query(String statement, Rows<T> reader, Object... args) {
    try (ResultSet rows = bind(statement, args).executeQuery()) {
      return reader.read(rows);
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, statement);
    }
  }

  /** Prepares {@code statement} now, so that a table with other columns fails early. */
  void prepare(String statement) {
    try {
      prepared(statement);
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, statement);
    }
  }

  /** Closes the statements and the connection. */
  @Override
  public void close() {
    SQLException failure = null;
    for (PreparedStatement ps : prepared.values()) {
      try {
        ps.close();
      } catch (SQLException e) {
        failure = failure == null ? e : failure;
      }
    }
    prepared.clear();
    try {
      conn.close();
    } catch (SQLException e) {
      failure = failure == null ? e : failure;
    }
    if (failure != null) {
      throw SqliteErrors.translate(failure, "close");
    }
  }

  private void execute(String statement) {
    try {
      fault.beforeWrite(statement);
      try (Statement s = conn.createStatement()) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, statement);
    }
  }

  private PreparedStatement bind(String statement, Object... args) throws SQLException {
    PreparedStatement ps = prepared(statement);
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }

  private PreparedStatement prepared(String statement) throws SQLException {
    PreparedStatement ps = prepared.get(statement);
    if (ps == null) {
      ps = conn.prepareStatement(statement);
      prepared.put(statement, ps);
    }
    return ps;
  }
}
