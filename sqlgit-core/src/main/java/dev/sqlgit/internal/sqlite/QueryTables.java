package dev.sqlgit.internal.sqlite;

import dev.sqlgit.Row;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The tables a query reads, for live queries: a public face of {@link ReadSets} (SQLite's own
 * {@code EXPLAIN} program, so views, subqueries, CTEs and joins resolve to their base tables),
 * plus a schema generation that moves whenever the user schema changes in content.
 *
 * <p>{@code ReadSets} caches by statement text and {@code PRAGMA schema_version}. A replica's state
 * is a different database after every sync, and two databases can share a schema version while
 * their root pages differ, so this class also keys its cache on the database instance and on the
 * schema's content (names, root pages, SQL): when those move it starts a fresh cache and bumps
 * {@link #schemaGeneration}.
 *
 * <p>Thread-safe. Call it only while holding a read of {@code db} (inside {@code Engine.read}),
 * never the other way round: its monitor is always taken inside the state's read lock.
 */
public final class QueryTables {
  private ReadSets readSets = new ReadSets();
  private WeakReference<SqliteDb> lastDb = new WeakReference<>(null);
  private long lastVersion = -1;
  private List<Row> schema;
  private long generation;

  /**
   * The lower-case names of the tables {@code sql} reads on {@code db}; {@code "*"} when SQLite's
   * program could not be analysed (treat as "reads everything").
   */
  public synchronized Set<String> of(SqliteDb db, String sql) {
    observe(db);
    return readSets.of(db, sql);
  }

  /** A counter that moves each time {@code db}'s user schema differs from the last one seen. */
  public synchronized long schemaGeneration(SqliteDb db) {
    observe(db);
    return generation;
  }

  private void observe(SqliteDb db) {
    long version = Schema.version(db);
    if (lastDb.get() == db && version == lastVersion) {
      return;
    }
    List<Row> now = userSchema(db);
    if (!now.equals(schema)) {
      if (schema != null) {
        generation++;
      }
      schema = now;
      readSets = new ReadSets(); // root pages may differ: never reuse an analysis across schemas
    }
    lastDb = new WeakReference<>(db);
    lastVersion = version;
  }

  private static List<Row> userSchema(SqliteDb db) {
    List<Row> out = new ArrayList<>();
    for (Row r :
        db.internalQuery(
            "SELECT type, name, tbl_name, rootpage, sql FROM main.sqlite_schema ORDER BY type, name")) {
      if (!Schema.isInternal(r.getString("name"))) {
        out.add(r);
      }
    }
    return out;
  }
}
