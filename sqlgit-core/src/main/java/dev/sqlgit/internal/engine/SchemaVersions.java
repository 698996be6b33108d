package dev.sqlgit.internal.engine;

import dev.sqlgit.IntegrityException;
import dev.sqlgit.Row;
import dev.sqlgit.SchemaTooNewException;
import dev.sqlgit.internal.sqlite.SqliteDb;
import java.util.List;

/**
 * Applies replicated migrations to a state, lazily and in history order: before an entry written
 * with schema version N runs, every migration up to N that the state lacks is applied. The state
 * records what it has in {@code _sqlgit_schema}, which travels inside snapshots.
 */
final class SchemaVersions {
  private static final String TABLE =
      "CREATE TABLE IF NOT EXISTS _sqlgit_schema(version INTEGER PRIMARY KEY, feature TEXT NOT NULL,"
          + " sha256 TEXT NOT NULL)";

  private SchemaVersions() {}

  /** Throws {@link SchemaTooNewException} when {@code required} is beyond what {@code known} declares. */
  static void checkKnown(int required, List<Migration> known, String where) {
    if (required > known.size()) {
      throw new SchemaTooNewException(required, known.size(), where);
    }
  }

  /** The newest migration a state has applied (0 for none). */
  static int applied(SqliteDb db) {
    boolean exists =
        db.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '_sqlgit_schema'") > 0;
    return exists ? (int) db.scalar("SELECT coalesce(max(version), 0) FROM _sqlgit_schema") : 0;
  }

  /** Brings {@code db} to schema {@code version}; the caller holds the savepoint around it. */
  static void ensure(SqliteDb db, int version, List<Migration> migrations) {
    if (version == 0) {
      return;
    }
    checkKnown(version, migrations, "a log entry");
    int applied = applied(db);
    verify(db, Math.min(applied, version), migrations);
    for (int v = applied + 1; v <= version; v++) {
      Migration m = migrations.get(v - 1);
      db.execScript(m.sql());
      db.internalExec(TABLE);
      db.internalExec(
          "INSERT INTO _sqlgit_schema(version, feature, sha256) VALUES (?, ?, ?)", m.version(), m.feature(), m.sha256());
    }
  }

  /** Checks a loaded snapshot: nothing newer than this code, and no applied migration edited since. */
  static void checkLoaded(SqliteDb db, List<Migration> known) {
    int applied = applied(db);
    checkKnown(applied, known, "snapshot.db");
    verify(db, applied, known);
  }

  /** Refuses a state whose applied migrations differ from the declared ones (an edited migration). */
  private static void verify(SqliteDb db, int upTo, List<Migration> migrations) {
    if (upTo == 0) {
      return;
    }
    for (Row r : db.internalQuery("SELECT version, feature, sha256 FROM _sqlgit_schema WHERE version <= ?", upTo)) {
      Migration m = migrations.get(r.getLong("version").intValue() - 1);
      if (!m.sha256().equals(r.getString("sha256"))) {
        throw new IntegrityException(
            "migration " + m.version() + " of feature '" + m.feature() + "' was edited after it was applied;"
                + " never edit a shipped migration, add a new one instead");
      }
    }
  }
}
