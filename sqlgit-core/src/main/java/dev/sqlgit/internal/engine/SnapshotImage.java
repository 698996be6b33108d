package dev.sqlgit.internal.engine;

import dev.sqlgit.IntegrityException;
import dev.sqlgit.internal.sqlite.SqliteDb;

/**
 * The master seq a snapshot image holds, recorded inside it in {@code _sqlgit_meta} so the file is
 * self-describing.
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

  static long headOf(SqliteDb db) {
    boolean hasMeta =
        db.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '_sqlgit_meta'") > 0;
    return hasMeta ? db.scalar("SELECT coalesce(max(value), 0) FROM _sqlgit_meta WHERE key = 'snapshot_head'") : 0;
  }

  /** The image of {@code state} with {@code head} recorded in it; {@code state} is left unchanged. */
  static byte[] imageAt(StateDb state, long head) {
    try (SqliteDb copy = SqliteDb.fromImage(state.image(), "snapshot-writer")) {
      copy.internalExec(META);
      copy.internalExec("INSERT OR REPLACE INTO _sqlgit_meta(key, value) VALUES ('snapshot_head', ?)", head);
      return copy.image();
    }
  }
}
