package dev.sqlgit.log;

import dev.sqlgit.ClosedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A {@link LogStore} in a SQLite database file: a meta table {@code (doc_id, count, last_seq,
 * generation)} and a records table {@code (doc_id, seq, data)} keyed by {@code (doc_id, seq)}, both
 * {@code WITHOUT ROWID}. The table names are configurable ({@link Tables}), so several stores, or a
 * store and an application, share one database.
 *
 * <pre>{@code
 * var tables = new SqliteLogStore.Tables("relay_meta", "relay_records");
 * try (SqliteLogStore logs = SqliteLogStore.open(Path.of("relay.db"), tables)) {
 *   logs.append("bob", "{\"kind\":\"action\",\"seq\":1}"); // seq 1
 *   logs.replace("bob", List.of("{\"kind\":\"snapshot\"}")); // seqs from 1, generation + 1
 *   try (Stream<LogRecord> records = logs.loadFrom("bob", 1)) {
 *     records.forEach(System.out::println);
 *   }
 * }
 * }</pre>
 *
 * <p>Writes go through one connection under a lock, each in one {@code BEGIN IMMEDIATE}
 * transaction: an append writes its meta row and its record together, a replace deletes, inserts
 * from seq 1 and bumps the generation together. The next seq of each document is cached and the
 * cache is updated only after {@code COMMIT} succeeds. Each record stream reads on a connection of
 * its own through a JDBC cursor, one snapshot, in constant memory. The database is opened with
 * {@code journal_mode=WAL}, {@code synchronous=NORMAL}, {@code busy_timeout=5000} and {@code
 * foreign_keys=ON} (SPEC §4).
 *
 * <p>A new document starts at generation 1 and each replace adds 1. After {@link #delete}, a
 * re-created document starts at generation 1 again; a reader that saw the document disappear must
 * start over anyway.
 *
 * <p>Thread-safe.
 */
public final class SqliteLogStore implements LogStore {

  /**
   * The names of the two tables of a {@link SqliteLogStore}: letters, digits and {@code _}, not
   * starting with a digit or {@code sqlite_}, at most 64 characters, and different from each other
   * (SQLite compares names ignoring ASCII case).
   *
   * <pre>{@code
   * SqliteLogStore.open(file, new SqliteLogStore.Tables("app_log_meta", "app_log_records"));
   * }</pre>
   *
   * <p>Immutable.
   */
  public record Tables(String meta, String records) {
    // Declared before DEFAULT, whose construction uses it.
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    /** {@code sqlgit_log_meta} and {@code sqlgit_log_records}. */
    public static final Tables DEFAULT = new Tables("sqlgit_log_meta", "sqlgit_log_records");

    public Tables {
      check(meta, "meta");
      check(records, "records");
      if (meta.equalsIgnoreCase(records)) {
        throw new IllegalArgumentException("meta and records must be different tables: " + meta);
      }
    }

    private static void check(String name, String what) {
      Objects.requireNonNull(name, what);
      if (!IDENTIFIER.matcher(name).matches()
          || name.toLowerCase(Locale.ROOT).startsWith("sqlite_")) {
        throw new IllegalArgumentException(
            what
                + " table name must match "
                + IDENTIFIER.pattern()
                + " and not start with sqlite_: "
                + name);
      }
    }
  }

  private final Path file;
  private final SqliteLogSql sql;
  private final ReentrantLock lock = new ReentrantLock();
  private final SqliteWriter writer; // guarded by lock
  private final Map<String, Long> lastSeqs = new HashMap<>(); // guarded by lock; committed only
  private final OpenStreams streams = new OpenStreams();
  private volatile boolean closed;

  private SqliteLogStore(Path file, SqliteLogSql sql, SqliteWriter writer) {
    this.file = file;
    this.sql = sql;
    this.writer = writer;
  }

  /** Opens (creating when missing) the database {@code file} with {@link Tables#DEFAULT}. */
  public static SqliteLogStore open(Path file) {
    return open(file, Tables.DEFAULT);
  }

  /**
   * Opens (creating when missing) the database {@code file} and its {@code tables}. The folder of
   * {@code file} must exist.
   *
   * @throws dev.sqlgit.StorageException when the file cannot be opened, or a table of that name
   *     exists with other columns
   */
  public static SqliteLogStore open(Path file, Tables tables) {
    return open(file, tables, WriteFault.NONE);
  }

  static SqliteLogStore open(Path file, Tables tables, WriteFault fault) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(tables, "tables");
    SqliteLogSql sql = SqliteLogSql.of(tables);
    SqliteWriter writer = new SqliteWriter(SqliteLogConnections.openWriter(file), fault);
    try {
      writer.executeSchema(sql.createMeta(), sql.createRecords());
      // Preparing now fails at open, naming the statement, when a table has other columns.
      for (String statement :
          List.of(
              sql.lastSeq(), sql.meta(), sql.appendMeta(), sql.insertRecord(), sql.replaceMeta())) {
        writer.prepare(statement);
      }
    } catch (RuntimeException e) {
      try {
        writer.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return new SqliteLogStore(file, sql, writer);
  }

  @Override
  public long append(String docId, String data) {
    return appendAll(docId, List.of(data));
  }

  /** Meta and every record in one transaction. */
  @Override
  public long appendAll(String docId, List<String> data) {
    LogInput.docId(docId);
    for (String d : data) {
      LogInput.data(d);
    }
    return locked(
        () -> {
          long first = lastSeq(docId) + 1;
          if (data.isEmpty()) {
            return first - 1;
          }
          writer.inTransaction(
              () -> {
                for (int i = 0; i < data.size(); i++) {
                  writer.update(sql.appendMeta(), docId, first + i);
                  writer.update(sql.insertRecord(), docId, first + i, data.get(i));
                }
                return null;
              });
          long last = first + data.size() - 1;
          // Only after COMMIT: had the transaction rolled back after the cache moved on, the next
          // append would skip a seq (and after a failed replace, reuse one that exists).
          lastSeqs.put(docId, last);
          return last;
        });
  }

  @Override
  public Stream<LogRecord> loadAll(String docId) {
    return loadFrom(docId, 1);
  }

  @Override
  public Stream<LogRecord> loadFrom(String docId, long fromSeq) {
    LogInput.docId(docId);
    LogInput.fromSeq(fromSeq);
    checkOpen();
    Stream<LogRecord> records =
        streams.stream(SqliteRecordCursor.open(file, sql.loadFrom(), docId, fromSeq));
    if (closed) { // close() ran meanwhile and may have missed this stream
      records.close();
      throw closedException();
    }
    return records;
  }

  @Override
  public void replace(String docId, List<String> data) {
    LogInput.docId(docId);
    Objects.requireNonNull(data, "data");
    locked(
        () -> {
          long count =
              writer.inTransaction(
                  () -> {
                    writer.update(sql.deleteRecords(), docId);
                    long seq = 0;
                    for (String record : data) {
                      LogInput.data(record); // a bad record rolls the whole replace back
                      writer.update(sql.insertRecord(), docId, ++seq, record);
                    }
                    writer.update(sql.replaceMeta(), docId, seq, seq);
                    return seq;
                  });
          lastSeqs.put(docId, count);
          return null;
        });
  }

  @Override
  public void delete(String docId) {
    LogInput.docId(docId);
    locked(
        () -> {
          writer.inTransaction(
              () -> {
                writer.update(sql.deleteRecords(), docId);
                writer.update(sql.deleteMeta(), docId);
                return null;
              });
          lastSeqs.remove(docId);
          return null;
        });
  }

  @Override
  public Optional<LogMeta> currentMeta(String docId) {
    LogInput.docId(docId);
    return locked(
        () ->
            writer.query(
                sql.meta(),
                rows ->
                    rows.next()
                        ? Optional.of(
                            new LogMeta(docId, rows.getLong(1), rows.getLong(2), rows.getLong(3)))
                        : Optional.<LogMeta>empty(),
                docId));
  }

  @Override
  public List<String> listDocIds(String prefix) {
    LogInput.prefix(prefix);
    return locked(
        () -> {
          List<String> ids =
              writer.query(
                  sql.listIds(),
                  rows -> {
                    List<String> found = new ArrayList<>();
                    while (rows.next()) {
                      found.add(rows.getString(1));
                    }
                    return found;
                  },
                  likePrefix(prefix),
                  prefix,
                  prefix);
          Collections.sort(ids); // String order, not SQLite's byte order, as the contract says
          return ids;
        });
  }

  /** Closes streams still open, then the writer connection. Idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        streams.closeAll();
      } finally {
        writer.close();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "SqliteLogStore[" + file + "]";
  }

  /**
   * SQLite's LIKE pattern for "starts with {@code prefix}": {@code \}, {@code %}, {@code _}
   * escaped.
   */
  static String likePrefix(String prefix) {
    StringBuilder pattern = new StringBuilder(prefix.length() + 8);
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (c == '\\' || c == '%' || c == '_') {
        pattern.append('\\');
      }
      pattern.append(c);
    }
    return pattern.append('%').toString();
  }

  private long lastSeq(String docId) {
    Long cached = lastSeqs.get(docId);
    if (cached != null) {
      return cached;
    }
    long last = writer.query(sql.lastSeq(), rows -> rows.next() ? rows.getLong(1) : 0L, docId);
    lastSeqs.put(docId, last);
    return last;
  }

  private <T> T locked(Supplier<T> work) {
    lock.lock();
    try {
      checkOpen();
      return work.get();
    } finally {
      lock.unlock();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw closedException();
    }
  }

  private ClosedException closedException() {
    return new ClosedException(toString());
  }
}
