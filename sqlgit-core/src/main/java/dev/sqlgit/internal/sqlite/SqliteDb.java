package dev.sqlgit.internal.sqlite;

import dev.sqlgit.ClosedException;
import dev.sqlgit.Db;
import dev.sqlgit.ExecResult;
import dev.sqlgit.Row;
import dev.sqlgit.RowMapper;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

/**
 * One SQLite connection with a statement cache: the writable {@link Db} that actions receive, plus
 * what the engine needs around it (transactions, savepoints, images for cloning, a hook that sees
 * every statement). Thread-safe: every call holds the connection's monitor.
 */
public final class SqliteDb implements Db, AutoCloseable {
  private static final int STATEMENT_CACHE = 128;

  private final SQLiteConnection conn;
  private final String label;
  private final Map<String, PreparedStatement> statements =
      new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
          if (size() > STATEMENT_CACHE) {
            closeQuietly(eldest.getValue());
            return true;
          }
          return false;
        }
      };
  private StatementListener listener;
  private int savepointDepth;
  private boolean closed;
  /** Whether {@link #schemaVersion} may cache: only this connection can reach the database. */
  private final boolean privateDatabase;
  /** Inside {@link #beginWrite}: no other connection can change the schema until it ends. */
  private boolean writing;
  /** Cached schema versions of "main" and "temp"; -1 when unknown. */
  private long mainVersion = -1;
  private long tempVersion = -1;
  private long schemaEpoch;

  /** Sees each statement just before it runs (used to compute read sets). */
  @FunctionalInterface
  public interface StatementListener {
    void beforeStatement(SqliteDb db, String sql);
  }

  private SqliteDb(SQLiteConnection conn, String label, boolean privateDatabase) {
    this.conn = conn;
    this.label = label;
    this.privateDatabase = privateDatabase;
  }

  /** A connection to {@code url} set up for this class's use of it. */
  private static SQLiteConnection connect(String url) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    // exec() reads last_insert_rowid() itself; with the driver's generated keys on, every INSERT
    // would also prepare a fresh "SELECT last_insert_rowid()" (a third of a submit's cost).
    config.setGetGeneratedKeys(false);
    SQLiteConnection c = (SQLiteConnection) DriverManager.getConnection(url, config.toProperties());
    // Transactions here are plain SQL (BEGIN, SAVEPOINT), which SQLite handles on its own. In
    // JDBC auto-commit mode the driver also steps a "begin" after every statement, to commit
    // writes held back by a reader still open; this class never leaves a result set open, so
    // the driver is told it is not in auto-commit mode (its flag only: no statement is run).
    c.getConnectionConfig().setAutoCommit(false);
    return c;
  }

  /** A new, empty, private in-memory database. */
  public static SqliteDb openMemory(String label) {
    try {
      SqliteDb db = new SqliteDb(connect("jdbc:sqlite::memory:"), label, true);
      db.execScript("PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;");
      return db;
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, null);
    }
  }

  /**
   * A database file in WAL mode, with {@code attached} (created when missing, WAL too) attached as
   * schema {@code sqlgit}: a replica's persistent state and, beside it, the engine's own tables,
   * which actions never see in {@code main}. {@code synchronous = NORMAL}: a power cut may lose the
   * last commits of both files, never corrupt them, and the engine detects and repairs the loss
   * from its logs.
   */
  public static SqliteDb openFile(java.nio.file.Path file, java.nio.file.Path attached, String label) {
    try {
      SQLiteConnection c = connect("jdbc:sqlite:" + file.toAbsolutePath());
      SqliteDb db = new SqliteDb(c, label, false); // other processes may change it: no schema cache
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout = 10000");
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA synchronous = NORMAL");
        s.execute("PRAGMA foreign_keys = ON");
        s.execute("PRAGMA temp_store = MEMORY");
        db.internalExec("ATTACH DATABASE ? AS sqlgit", attached.toAbsolutePath().toString());
        s.execute("PRAGMA sqlgit.journal_mode = WAL");
        s.execute("PRAGMA sqlgit.synchronous = NORMAL");
        return db;
      } catch (SQLException | RuntimeException e) {
        db.close();
        throw e;
      }
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, "open " + file);
    }
  }

  /**
   * Replaces the main database with a copy of {@code image}, in place through SQLite's backup API:
   * the file stays the same file, so other connections to it (other processes) stay valid and see
   * the new content at their next transaction. Not atomic with anything else: callers detect an
   * interrupted restore themselves.
   */
  public synchronized void restoreFrom(byte[] image) {
    checkOpen();
    java.nio.file.Path source = null;
    try {
      source = java.nio.file.Files.createTempFile("sqlgit-restore", ".db");
      java.nio.file.Files.write(source, image);
      for (Iterator<PreparedStatement> it = statements.values().iterator(); it.hasNext(); ) {
        closeQuietly(it.next()); // they describe the schema being replaced
        it.remove();
      }
      conn.getDatabase().restore("main", source.toString(), null);
      forgetSchemaVersions(); // the schema was replaced without a statement
    } catch (java.io.IOException e) {
      throw SqliteErrors.io("cannot stage a state image", source, e);
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, "restore " + label);
    } finally {
      if (source != null) {
        try {
          java.nio.file.Files.deleteIfExists(source);
        } catch (java.io.IOException ignored) {
          // a temp file left in the system temp folder is harmless
        }
      }
    }
  }

  /**
   * Wraps a connection the caller opened and configured (a file database with its pragmas, say).
   * The returned {@code SqliteDb} owns the connection: {@link #close()} closes it.
   */
  public static SqliteDb wrap(SQLiteConnection conn, String label) {
    return new SqliteDb(conn, label, false); // a file other connections may change
  }

  /** A new in-memory database holding a copy of {@code image} (a database file's bytes). */
  public static SqliteDb fromImage(byte[] image, String label) {
    SqliteDb db = openMemory(label);
    try {
      db.conn.deserialize("main", image);
      db.forgetSchemaVersions();
      return db;
    } catch (SQLException e) {
      db.close();
      throw SqliteErrors.translate(e, "deserialize " + label);
    }
  }

  /** The main database as a self-contained SQLite file image. */
  public synchronized byte[] image() {
    checkOpen();
    try {
      return conn.serialize("main");
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, "serialize " + label);
    }
  }

  /** An independent in-memory copy of this database (temp objects are not copied). */
  public SqliteDb copy(String newLabel) {
    return fromImage(image(), newLabel);
  }

  public String label() {
    return label;
  }

  /** Installs (or with null removes) the listener that sees every statement. */
  public synchronized void setListener(StatementListener listener) {
    this.listener = listener;
  }

  @Override
  public synchronized List<Row> query(String sql, Object... params) {
    checkOpen();
    notifyListener(sql);
    try {
      PreparedStatement ps = prepare(sql);
      SqlValues.bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        List<Row> rows = readAll(rs);
        ran(sql);
        return rows;
      } finally {
        if (sql.regionMatches(true, 0, "EXPLAIN ", 0, 8)) {
          // SQLite never re-prepares a stale EXPLAIN after a schema change (its program is listed,
          // not run, so the schema check never fires): a cached one would describe the old schema.
          evict(sql);
        }
      }
    } catch (SQLException e) {
      evict(sql);
      forgetSchemaVersions();
      throw SqliteErrors.translate(e, sql);
    }
  }

  @Override
  public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
    List<Row> rows = query(sql, params);
    List<T> out = new ArrayList<>(rows.size());
    for (Row row : rows) {
      out.add(mapper.map(row));
    }
    return out;
  }

  @Override
  public <T> List<T> query(String sql, Class<T> type, Object... params) {
    return query(sql, RowMapping.forType(type), params);
  }

  @Override
  public Optional<Row> one(String sql, Object... params) {
    List<Row> rows = query(sql, params);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  @Override
  public <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... params) {
    return one(sql, params).map(mapper::map);
  }

  @Override
  public <T> Optional<T> one(String sql, Class<T> type, Object... params) {
    return one(sql, RowMapping.forType(type), params);
  }

  @Override
  public synchronized ExecResult exec(String sql, Object... params) {
    checkOpen();
    notifyListener(sql);
    long changes = run(sql, params);
    try {
      return new ExecResult(changes, lastInsertRowid());
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, sql);
    }
  }

  /** Runs a write from the statement cache and returns its change count. */
  private long run(String sql, Object... params) {
    try {
      PreparedStatement ps = prepare(sql);
      SqlValues.bind(ps, params);
      long changes = ps.executeUpdate();
      ran(sql);
      return changes;
    } catch (SQLException e) {
      evict(sql);
      forgetSchemaVersions();
      throw SqliteErrors.translate(e, sql);
    }
  }

  @Override
  public synchronized void execScript(String sql) {
    for (String statement : ScriptSplitter.split(sql)) {
      exec(statement);
    }
  }

  /**
   * Begins a write transaction ({@code BEGIN IMMEDIATE}). Until {@link #commit} or {@link
   * #rollback}, no other connection can write, so schema versions are cached even for a shared
   * file: the engine reads them several times per submit.
   */
  public synchronized void beginWrite() {
    internalExec("BEGIN IMMEDIATE");
    writing = true;
  }

  /** Commits the transaction {@link #beginWrite} began. */
  public synchronized void commit() {
    endWrite("COMMIT");
  }

  /** Rolls back the transaction {@link #beginWrite} began. */
  public synchronized void rollback() {
    endWrite("ROLLBACK");
  }

  private void endWrite(String sql) {
    writing = false;
    if (!privateDatabase) {
      forgetSchemaVersions(); // other connections may change the schema from now on
    }
    internalExec(sql);
  }

  /**
   * Runs {@code body} inside a savepoint: released when it returns, rolled back (and the exception
   * rethrown) when it throws. Nests. Savepoint statements skip {@link #exec}'s {@code
   * last_insert_rowid()} query: they bracket most actions the engine applies.
   */
  public synchronized <T> T savepoint(ThrowingSupplier<T> body) throws Exception {
    String name = "sqlgit_sp" + (++savepointDepth);
    internalExec("SAVEPOINT " + name);
    try {
      T result = body.get();
      internalExec("RELEASE " + name);
      return result;
    } catch (Throwable t) {
      rollbackQuietly(name);
      throw t;
    } finally {
      savepointDepth--;
    }
  }

  /** Runs {@code body} inside a savepoint that is always rolled back: a what-if probe. */
  public synchronized <T> T probe(ThrowingSupplier<T> body) throws Exception {
    String name = "sqlgit_probe" + (++savepointDepth);
    internalExec("SAVEPOINT " + name);
    try {
      return body.get();
    } finally {
      rollbackQuietly(name);
      savepointDepth--;
    }
  }

  private void rollbackQuietly(String name) {
    try {
      internalExec("ROLLBACK TO " + name);
      internalExec("RELEASE " + name);
    } catch (RuntimeException e) {
      // The savepoint is gone when the failure ended the transaction; nothing left to undo.
    }
  }

  /** Runs {@code body} with {@code PRAGMA query_only} on, so any write it attempts fails. */
  public synchronized <T> T readOnly(Supplier<T> body) {
    checkOpen();
    setQueryOnly(true);
    try {
      return body.get();
    } finally {
      setQueryOnly(false);
    }
  }

  private void setQueryOnly(boolean on) {
    try (Statement s = conn.createStatement()) {
      s.execute("PRAGMA query_only = " + (on ? 1 : 0));
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, "PRAGMA query_only");
    }
  }

  /** Reads a single integer pragma or scalar query without notifying the listener. */
  public synchronized long scalar(String sql) {
    checkOpen();
    try {
      PreparedStatement ps = prepare(sql);
      ps.clearParameters();
      long value;
      try (ResultSet rs = ps.executeQuery()) {
        value = rs.next() ? rs.getLong(1) : 0;
      }
      ran(sql);
      return value;
    } catch (SQLException e) {
      forgetSchemaVersions();
      throw SqliteErrors.translate(e, sql);
    }
  }

  /**
   * {@code PRAGMA <schema>.schema_version} of {@code "main"} or {@code "temp"}. The engine reads
   * both several times per submit. On a private in-memory database, or inside {@link #beginWrite},
   * only this connection changes them, and only by a statement other than plain DML (DDL, a pragma,
   * a ROLLBACK) or by a failed one (a failure may roll the transaction back), so they are cached
   * until one of those runs (for a shared file, until the write transaction ends).
   */
  public synchronized long schemaVersion(String schema) {
    boolean main = schema.equals("main");
    if (!main && !schema.equals("temp")) {
      throw new IllegalArgumentException("schema must be main or temp: " + schema);
    }
    checkOpen();
    long cached = main ? mainVersion : tempVersion;
    if (cached >= 0) {
      return cached;
    }
    String sql = "PRAGMA " + schema + ".schema_version";
    long version;
    try (ResultSet rs = prepare(sql).executeQuery()) {
      version = rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, sql);
    }
    if (privateDatabase || writing) {
      if (main) {
        mainVersion = version;
      } else {
        tempVersion = version;
      }
    }
    return version;
  }

  /** Keeps the cached schema versions only after a statement that cannot have changed them. */
  private void ran(String sql) {
    if (!SchemaNeutral.is(sql)) {
      forgetSchemaVersions();
    }
  }

  private void forgetSchemaVersions() {
    mainVersion = -1;
    tempVersion = -1;
    schemaEpoch++;
  }

  /**
   * A counter that moves whenever this connection may have changed a schema or rolled something
   * back (the events that drop the cached schema versions): what was derived from the database's
   * tables while it stood still, such as which migrations are applied, still holds.
   */
  public synchronized long schemaEpoch() {
    return schemaEpoch;
  }

  /** Runs a query without notifying the listener (engine introspection). */
  public synchronized List<Row> internalQuery(String sql, Object... params) {
    StatementListener saved = listener;
    listener = null;
    try {
      return query(sql, params);
    } finally {
      listener = saved;
    }
  }

  /** Reads one row of a result set column by column. */
  @FunctionalInterface
  public interface RowReader {
    void read(ResultSet row) throws SQLException;
  }

  /**
   * Runs a query without notifying the listener and hands each row to {@code reader}, building no
   * {@link Row}: for engine bookkeeping that runs on every submit.
   */
  public synchronized void internalRead(String sql, RowReader reader) {
    checkOpen();
    try {
      PreparedStatement ps = prepare(sql);
      ps.clearParameters();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          reader.read(rs);
        }
      }
      ran(sql);
    } catch (SQLException e) {
      evict(sql);
      forgetSchemaVersions();
      throw SqliteErrors.translate(e, sql);
    }
  }

  /**
   * Runs a write without notifying the listener (engine bookkeeping). Skips {@code
   * last_insert_rowid()}, which nobody reads here: these run many times per submit.
   */
  public synchronized void internalExec(String sql, Object... params) {
    checkOpen();
    run(sql, params);
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Iterator<PreparedStatement> it = statements.values().iterator(); it.hasNext(); ) {
      closeQuietly(it.next());
      it.remove();
    }
    try {
      conn.close();
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, "close " + label);
    }
  }

  @Override
  public String toString() {
    return "SqliteDb[" + label + "]";
  }

  private void notifyListener(String sql) {
    if (listener != null) {
      StatementListener l = listener;
      listener = null; // the listener's own introspection must not recurse
      try {
        l.beforeStatement(this, sql);
      } finally {
        listener = l;
      }
    }
  }

  private long lastInsertRowid() throws SQLException {
    PreparedStatement ps = prepare("SELECT last_insert_rowid()");
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /**
   * Drops a statement whose run failed: after a failed re-prepare (its table was dropped) the
   * driver's statement stays unusable ("statement is not executing") even once the table is back.
   */
  private void evict(String sql) {
    PreparedStatement ps = statements.remove(sql);
    if (ps != null) {
      closeQuietly(ps);
    }
  }

  private PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = conn.prepareStatement(sql);
      statements.put(sql, ps);
    }
    return ps;
  }

  private static List<Row> readAll(ResultSet rs) throws SQLException {
    ResultSetMetaData meta = rs.getMetaData();
    int n = meta.getColumnCount();
    List<String> columns = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      columns.add(meta.getColumnLabel(i));
    }
    List<Row> rows = new ArrayList<>();
    List<Object> values = new ArrayList<>(n);
    while (rs.next()) {
      values.clear();
      for (int i = 1; i <= n; i++) {
        values.add(SqlValues.read(rs, i));
      }
      rows.add(new Row(columns, values));
    }
    return rows;
  }

  private void checkOpen() {
    if (closed) {
      throw new ClosedException("database " + label);
    }
  }

  private static void closeQuietly(PreparedStatement ps) {
    try {
      ps.close();
    } catch (SQLException ignored) {
      // closing a cached statement cannot lose data
    }
  }

  /** A supplier that may throw, for savepoint bodies. */
  @FunctionalInterface
  public interface ThrowingSupplier<T> {
    T get() throws Exception;
  }
}
