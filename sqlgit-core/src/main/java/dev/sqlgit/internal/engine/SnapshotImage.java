package dev.sqlgit.internal.engine;

import dev.sqlgit.IntegrityException;
import dev.sqlgit.internal.sqlite.SqliteDb;
import java.util.List;

/**
 * {@code snapshot.db} as bytes. The file records its master seq in a {@code _sqlgit_meta} table so
 * it describes itself; states never contain that table (see {@link #stateOf}).
 */
final class SnapshotImage {
  private static final String META =
      "CREATE TABLE IF NOT EXISTS _sqlgit_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)";

  private SnapshotImage() {}

  /** The head recorded in {@code image}; 0 for no image. */
  static long headOf(byte[] image) {
    if (image == null) {
      return 0;
    }
    try (SqliteDb db = SqliteDb.fromImage(image, "snapshot")) {
      return headOf(db);
    } catch (RuntimeException e) {
      throw new IntegrityException("snapshot.db is not a readable SQLite database: " + e.getMessage(), e);
    }
  }

  /** The head recorded in a snapshot file, read through a read-only connection (a few pages). */
  static long headOfFile(java.nio.file.Path file) {
    if (!java.nio.file.Files.exists(file)) {
      return 0;
    }
    org.sqlite.SQLiteConfig readOnly = new org.sqlite.SQLiteConfig();
    readOnly.setReadOnly(true);
    try {
      java.sql.Connection c =
          java.sql.DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), readOnly.toProperties());
      try (SqliteDb db = SqliteDb.wrap((org.sqlite.SQLiteConnection) c, "snapshot")) {
        return headOf(db);
      }
    } catch (java.sql.SQLException | RuntimeException e) {
      throw new IntegrityException(file + " is not a readable SQLite database: " + e.getMessage(), e);
    }
  }

  static long headOf(SqliteDb db) {
    boolean hasMeta =
        db.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '_sqlgit_meta'") > 0;
    return hasMeta ? db.scalar("SELECT coalesce(max(value), 0) FROM _sqlgit_meta WHERE key = 'snapshot_head'") : 0;
  }

  /** The file image of a state image: {@code state} with {@code head} recorded in it. */
  static byte[] withHead(byte[] state, long head) {
    try (SqliteDb copy = SqliteDb.fromImage(state, "snapshot-writer")) {
      copy.internalExec(META);
      copy.internalExec("INSERT OR REPLACE INTO _sqlgit_meta(key, value) VALUES ('snapshot_head', ?)", head);
      copy.internalExec("PRAGMA application_id = 0"); // a state file's commit counter is not state
      return copy.image();
    }
  }

  /**
   * The state image inside a file image: the bookkeeping table removed, so that a state loaded from
   * a snapshot is exactly the state the master built by applying actions (an action that reads
   * {@code sqlite_schema} must see the same thing on every replica). Null stays null.
   */
  static byte[] stateOf(byte[] file, List<Migration> known) {
    if (file == null) {
      return null;
    }
    SqliteDb copy;
    try {
      copy = SqliteDb.fromImage(file, "snapshot-reader");
      copy.internalExec("DROP TABLE IF EXISTS _sqlgit_meta");
    } catch (RuntimeException e) {
      throw new IntegrityException("snapshot.db is not a readable SQLite database: " + e.getMessage(), e);
    }
    try (copy) {
      SchemaVersions.checkLoaded(copy, known);
      return copy.image();
    }
  }
}
