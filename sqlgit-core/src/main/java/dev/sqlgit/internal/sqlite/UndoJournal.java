package dev.sqlgit.internal.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlgit.Row;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A row-level undo journal, captured by SQLite itself: while a step is open (a master entry, an own
 * pending action), the change-capture triggers record every row a statement inserts, updates or
 * deletes, with its pre-image as SQL literals ({@code quote()}), trigger and cascade writes
 * included. {@link #undoAfter} walks it back, newest first, to reach an older state in place, with
 * no copy of the database.
 *
 * <p>Undoing must not fire the application's triggers again (a balance trigger would apply twice):
 * it drops them, restores the rows, and recreates them from their SQL, all inside one savepoint.
 * Rows come back by UPDATE where they still exist, so no foreign-key cascade fires; foreign keys
 * are deferred meanwhile, since the walk passes through the same intermediate states as history
 * did. The journal lives in TEMP, or in the attached {@code sqlgit} schema of a state file: either
 * way it is invisible to the application's {@code main} schema and never part of a snapshot.
 * A step that changed the schema cannot be crossed ({@link #canUndoAfter} says so).
 *
 * <p>One per connection, confined to the engine's writer; steps must increase.
 */
public final class UndoJournal {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROWID = "_rowid_";

  private final SqliteDb db;
  private long hashedVersion = -1;
  private String hash;

  public UndoJournal(SqliteDb db) {
    this.db = db;
    createTables(db);
  }

  /**
   * Where the journal lives: in TEMP for an in-memory state, or in the attached {@code sqlgit}
   * schema of a state file, so that it survives a restart with the state it undoes.
   */
  static String schemaOf(SqliteDb db) {
    return db.scalar("SELECT count(*) FROM pragma_database_list WHERE name = 'sqlgit'") > 0 ? "sqlgit" : "temp";
  }

  static void createTables(SqliteDb db) {
    // Unqualified names in the capture triggers find these: TEMP triggers resolve temp, main, then
    // attached schemas, and neither temp nor main holds a table of these names in file mode.
    String schema = schemaOf(db);
    db.internalExec(
        "CREATE TABLE IF NOT EXISTS " + schema + "._sqlgit_undo(id INTEGER PRIMARY KEY, step INTEGER NOT NULL,"
            + " tbl TEXT NOT NULL, op TEXT NOT NULL, k TEXT NOT NULL, old_k TEXT, old_row TEXT)");
    // Undo reads only the steps after a base; the journal of a long history must not be scanned.
    db.internalExec("CREATE INDEX IF NOT EXISTS " + schema + "._sqlgit_undo_step ON _sqlgit_undo(step)");
    // writes: the step's write set as the engine saw it (JSON), so it need not be replayed to learn it.
    db.internalExec("CREATE TABLE IF NOT EXISTS " + schema
        + "._sqlgit_step(step INTEGER PRIMARY KEY, schema_hash TEXT NOT NULL, writes TEXT)");
    // The step being journaled, if any: one row at most, read by the capture triggers on every
    // row written, so it must not grow with history.
    db.internalExec("CREATE TEMP TABLE IF NOT EXISTS _sqlgit_open(step INTEGER NOT NULL)");
    ChangeCapture.createBuffer(db); // an undo clears it, possibly before anything was captured here
  }

  /** The trigger statement that journals one row change while a step is open. */
  static String record(String tbl, String op, String key, String oldKey, String oldRow) {
    return "INSERT INTO _sqlgit_undo(step, tbl, op, k, old_k, old_row) SELECT step, "
        + tbl + ", " + op + ", " + key + ", " + oldKey + ", " + oldRow
        + " FROM _sqlgit_open;";
  }

  /**
   * The trigger statement that journals, before an insert, the row that currently holds the new
   * key ({@code o}): INSERT OR REPLACE removes it without firing a delete trigger.
   */
  static String recordDisplaced(String tbl, String target, List<String> keys, String image) {
    StringJoiner match = new StringJoiner(" AND ");
    for (String k : keys) {
      match.add("o." + Schema.quote(k) + " IS NEW." + Schema.quote(k));
    }
    return "INSERT INTO _sqlgit_undo(step, tbl, op, k, old_k, old_row) SELECT s.step, "
        + tbl + ", 'D', " + ChangeCapture.keyExpr("o", keys) + ", NULL, " + image
        + " FROM _sqlgit_open s, " + target + " o WHERE " + match + ";";
  }

  /** The SQL expression of a row's image: {@code json_object(col, quote(<row>.col), …)}. */
  static String rowImage(SqliteDb db, String table, String row) {
    StringJoiner j = new StringJoiner(", ", "json_object(", ")");
    if (hasHiddenRowid(db, table)) {
      j.add("'" + ROWID + "', quote(" + row + ".rowid)");
    }
    for (String column : columns(db, table)) {
      j.add("'" + column.replace("'", "''") + "', quote(" + row + "." + Schema.quote(column) + ")");
    }
    return j.toString();
  }

  /** Opens step {@code step}: writes from now on are journaled under it. */
  public void begin(long step) {
    withTables(() -> {
      db.internalExec("DELETE FROM _sqlgit_open");
      db.internalExec("INSERT OR IGNORE INTO _sqlgit_step(step, schema_hash) VALUES (?, ?)", step, schemaHash());
      db.internalExec("INSERT INTO _sqlgit_open(step) VALUES (?)", step);
      return null;
    });
  }

  /** Closes the open step; later writes are not journaled. */
  public void end() {
    withTables(() -> {
      db.internalExec("DELETE FROM _sqlgit_open");
      return null;
    });
  }

  /** Whether every step after {@code step} can be undone: none of them changed the schema. */
  public boolean canUndoAfter(long step) {
    List<Row> first = withTables(() -> db.internalQuery(
        "SELECT schema_hash FROM _sqlgit_step WHERE step > ? ORDER BY step LIMIT 1", step));
    return first.isEmpty() || first.get(0).getString("schema_hash").equals(schemaHash());
  }

  /**
   * Reverts every journaled change of the steps after {@code step}, newest first, and forgets them.
   * Runs in a savepoint of its own; callers usually hold an outer one to roll the undo back.
   */
  public void undoAfter(long step) {
    if (!canUndoAfter(step)) {
      throw new IllegalStateException("a step after " + step + " changed the schema; it cannot be undone");
    }
    List<Row> changes = db.internalQuery(
        // Steps begin in increasing order, so (step, id) is capture order and the step index serves it.
        "SELECT tbl, op, k, old_k, old_row FROM _sqlgit_undo WHERE step > ? ORDER BY step DESC, id DESC", step);
    try {
      db.savepoint(() -> {
        end();
        if (!changes.isEmpty()) {
          revert(changes);
        }
        db.internalExec("DELETE FROM _sqlgit_undo WHERE step > ?", step);
        db.internalExec("DELETE FROM _sqlgit_step WHERE step > ?", step);
        return null;
      });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Forgets the journal of steps up to {@code step} (no state needs them any more). */
  public void forgetUpTo(long step) {
    withTables(() -> {
      db.internalExec("DELETE FROM _sqlgit_undo WHERE step <= ?", step);
      db.internalExec("DELETE FROM _sqlgit_step WHERE step <= ?", step);
      return null;
    });
  }

  /** Number of journaled row changes (for tests and bounds). */
  public long size() {
    return withTables(() -> db.scalar("SELECT count(*) FROM _sqlgit_undo"));
  }

  /** The newest step journaled, or {@code otherwise} when the journal is empty. */
  public long lastStep(long otherwise) {
    List<Row> last = withTables(() -> db.internalQuery("SELECT max(step) AS s FROM _sqlgit_step"));
    Object s = last.isEmpty() ? null : last.get(0).get("s");
    return s == null ? otherwise : ((Number) s).longValue();
  }

  /** Forgets every step (the state it undoes was replaced wholesale). */
  public void clear() {
    forgetUpTo(Long.MAX_VALUE);
  }

  /** Records the rows step {@code step} wrote, as the engine saw them. */
  public void recordWrites(long step, java.util.Set<RowKey> writes) {
    List<List<String>> pairs = new ArrayList<>(writes.size());
    for (RowKey k : writes) {
      pairs.add(List.of(k.table(), k.key()));
    }
    try {
      String json = JSON.writeValueAsString(pairs);
      withTables(() -> {
        db.internalExec("UPDATE _sqlgit_step SET writes = ? WHERE step = ?", json, step);
        return null;
      });
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The rows step {@code step} wrote, when {@link #recordWrites recorded}; empty otherwise. */
  public java.util.Optional<java.util.Set<RowKey>> writesOf(long step) {
    List<Row> rows = withTables(() -> db.internalQuery("SELECT writes FROM _sqlgit_step WHERE step = ?", step));
    if (rows.isEmpty() || rows.get(0).getString("writes") == null) {
      return java.util.Optional.empty();
    }
    try {
      java.util.Set<RowKey> out = new java.util.HashSet<>();
      for (List<String> pair : JSON.readValue(rows.get(0).getString("writes"), new TypeReference<List<List<String>>>() {})) {
        out.add(new RowKey(pair.get(0), pair.get(1)));
      }
      return java.util.Optional.of(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("malformed write set of step " + step, e);
    }
  }

  /**
   * Runs {@code body}, recreating the journal's TEMP tables and running it again if they are gone:
   * a rolled-back transaction takes them away when it created them. A statement on a missing table
   * fails before it changes anything, and every body here is idempotent up to that point.
   */
  private <T> T withTables(java.util.function.Supplier<T> body) {
    try {
      return body.get();
    } catch (dev.sqlgit.StorageException e) {
      if (e.getMessage() == null || !e.getMessage().contains("no such table: _sqlgit_")) {
        throw e;
      }
      createTables(db);
      return body.get();
    }
  }

  private void revert(List<Row> changes) {
    // Only triggers on the tables being restored could fire; drop those.
    java.util.Set<String> restored = new java.util.HashSet<>();
    for (Row change : changes) {
      restored.add(change.getString("tbl"));
    }
    List<Row> triggers = new ArrayList<>();
    for (Row t : db.internalQuery(
        "SELECT name, tbl_name, sql FROM main.sqlite_schema WHERE type = 'trigger' AND sql IS NOT NULL ORDER BY rowid")) {
      if (restored.contains(t.getString("tbl_name").toLowerCase(Locale.ROOT))) {
        triggers.add(t);
      }
    }
    db.internalExec("PRAGMA defer_foreign_keys = ON");
    for (Row t : triggers) {
      db.internalExec("DROP TRIGGER main." + Schema.quote(t.getString("name")));
    }
    Map<String, String> tables = Schema.tables(db);
    for (Row change : changes) {
      String table = tables.get(change.getString("tbl"));
      List<String> keyColumns = Schema.keyColumns(db, table);
      String where = where(keyColumns, change.getString("k"));
      switch (change.getString("op")) {
        case "I":
          db.internalExec("DELETE FROM " + Schema.quote(table) + " WHERE " + where);
          break;
        case "U":
          db.internalExec("UPDATE " + Schema.quote(table) + " SET " + assignments(change.getString("old_row"))
              + " WHERE " + where);
          break;
        case "D":
          insert(table, change.getString("old_row"));
          break;
        default:
          throw new IllegalStateException("unknown journal op " + change.getString("op"));
      }
    }
    for (Row t : triggers) {
      db.internalExec(t.getString("sql"));
    }
    // Back to immediate checks: actions run after an undo must fail on a bad key as they always do.
    db.internalExec("PRAGMA defer_foreign_keys = OFF");
    db.internalExec("DELETE FROM temp._sqlgit_writes"); // the restores are not anyone's writes
  }

  /**
   * Puts a row image back. An upsert, not a REPLACE: where the row still exists (a journaled
   * displacement that did not happen, such as INSERT OR IGNORE) it is updated in place, so no
   * delete and no foreign-key cascade runs.
   */
  private void insert(String table, String image) {
    StringJoiner columns = new StringJoiner(", ");
    StringJoiner values = new StringJoiner(", ");
    StringJoiner update = new StringJoiner(", ");
    for (Map.Entry<String, String> e : parse(image).entrySet()) {
      String column = e.getKey().equals(ROWID) ? "rowid" : Schema.quote(e.getKey());
      columns.add(column);
      values.add(e.getValue());
      if (!column.equals("rowid")) {
        update.add(column + " = excluded." + column);
      }
    }
    db.internalExec("INSERT INTO " + Schema.quote(table) + "(" + columns + ") VALUES (" + values + ")"
        + " ON CONFLICT DO UPDATE SET " + update);
  }

  private static String assignments(String image) {
    StringJoiner set = new StringJoiner(", ");
    for (Map.Entry<String, String> e : parse(image).entrySet()) {
      // The literals come from SQLite's own quote(), so they are valid SQL literals.
      set.add((e.getKey().equals(ROWID) ? "rowid" : Schema.quote(e.getKey())) + " = " + e.getValue());
    }
    return set.toString();
  }

  private static String where(List<String> keyColumns, String key) {
    List<String> literals = ChangeCapture.literals(key);
    StringJoiner where = new StringJoiner(" AND ");
    for (int i = 0; i < keyColumns.size(); i++) {
      where.add(Schema.quote(keyColumns.get(i)) + " IS " + literals.get(i));
    }
    return where.toString();
  }

  private static Map<String, String> parse(String image) {
    try {
      return JSON.readValue(image, new TypeReference<LinkedHashMap<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("malformed row image " + image, e);
    }
  }

  private static List<String> columns(SqliteDb db, String table) {
    List<String> out = new ArrayList<>();
    for (Row r : db.internalQuery("SELECT name FROM pragma_table_info(?) ORDER BY cid", table)) {
      out.add(r.getString("name"));
    }
    return out;
  }

  /** A rowid table whose rowid is not an INTEGER PRIMARY KEY column (so it must be journaled). */
  private static boolean hasHiddenRowid(SqliteDb db, String table) {
    boolean withoutRowid =
        db.scalar("SELECT count(*) FROM pragma_table_list WHERE schema = 'main' AND name = '"
            + table.replace("'", "''") + "' AND wr = 1") > 0;
    if (withoutRowid) {
      return false;
    }
    List<Row> pk = db.internalQuery("SELECT type FROM pragma_table_info(?) WHERE pk > 0", table);
    boolean integerAlias = pk.size() == 1
        && "INTEGER".equals(String.valueOf(pk.get(0).getString("type")).toUpperCase(Locale.ROOT));
    return !integerAlias;
  }

  private String schemaHash() {
    long version = Schema.version(db);
    if (version != hashedVersion) {
      hash = computeSchemaHash();
      hashedVersion = version;
    }
    return hash;
  }

  private String computeSchemaHash() {
    StringBuilder all = new StringBuilder();
    Schema.objects(db).forEach((name, sql) -> all.append(name).append('\u0000').append(sql).append('\u0001'));
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(all.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
