package dev.sqlgit;

import java.util.List;
import java.util.Optional;

/**
 * Plain SQL on a local SQLite database: the whole read and write seam, no ORM.
 *
 * <pre>{@code
 * List<Row> rows = db.query("SELECT id, body FROM notes WHERE id > ?", 10);
 * Optional<Note> n = db.one("SELECT * FROM notes WHERE id = ?", Note.class, "n1");
 * long count = db.one("SELECT count(*) FROM notes", Long.class).orElse(0L);
 * ExecResult r = db.exec("INSERT INTO notes VALUES (?, ?)", "n2", "hi"); // inside an action
 * }</pre>
 *
 * <p>Parameters bind by position: {@code Long}/{@code Integer}/{@code Short}/{@code Byte},
 * {@code Double}/{@code Float}, {@code String}, {@code byte[]}, {@code Boolean} (as 1/0), enums
 * (by name) and {@code null}. Values come back as {@code Long}, {@code Double}, {@code String},
 * {@code byte[]} or {@code null}.
 *
 * <p>A {@code Db} handed to an action is writable and confined to that action's call. The one from
 * {@link Peer#db()} and the ones in a {@link ConflictContext} are read-only: writes throw a
 * {@link StorageException} with result code 8. Every method is thread-safe; statements on one
 * database run one at a time.
 */
public interface Db {

  /** Runs a query and returns every row, in the order SQLite yields them. Never null. */
  List<Row> query(String sql, Object... params);

  /** Runs a query and maps each row with {@code mapper}. */
  <T> List<T> query(String sql, RowMapper<T> mapper, Object... params);

  /**
   * Runs a query and maps each row to {@code type}: a record (columns to components by name,
   * {@code snake_case} to {@code camelCase}) or a single-column scalar ({@code Long}, {@code
   * Integer}, {@code Double}, {@code String}, {@code Boolean}, {@code byte[]}).
   */
  <T> List<T> query(String sql, Class<T> type, Object... params);

  /** The first row of a query, or empty. */
  Optional<Row> one(String sql, Object... params);

  /** The first row of a query mapped with {@code mapper}, or empty. */
  <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... params);

  /** The first row of a query mapped to {@code type} (see {@link #query(String, Class, Object...)}). */
  <T> Optional<T> one(String sql, Class<T> type, Object... params);

  /** Runs one statement that writes; returns the rows it changed and the last inserted rowid. */
  ExecResult exec(String sql, Object... params);

  /** Runs several {@code ;}-separated statements without parameters (schema scripts). */
  void execScript(String sql);
}
