package dev.sqlgit.internal.sqlite;

import dev.sqlgit.Row;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Row-level write sets captured by SQLite itself (and, while an {@link UndoJournal} step is open,
 * each row's pre-image for undo): temp triggers on every user table record the
 * primary key of each inserted, updated (old and new key) and deleted row into {@code
 * temp._sqlgit_writes}. Triggers see writes made by application triggers and cascades too. A
 * statement that changes the schema marks the tables it created, altered or dropped as written
 * whole. One instance per connection; not thread-safe (the engine confines it to its writer).
 */
final class ChangeCapture {
  private final SqliteDb db;
  private long installedVersion = -1;
  private long installedTempVersion = -1;
  private Map<String, String> objectsAtInstall = Map.of();

  ChangeCapture(SqliteDb db) {
    this.db = db;
  }

  /** Makes sure every current table has capture triggers, and clears the capture buffer. */
  void start() {
    // A rolled-back transaction can undo the install, so the temp schema version is checked too.
    long version = Schema.version(db);
    long tempVersion = db.schemaVersion("temp");
    if (tempVersion != installedTempVersion) {
      reinstall();
    } else if (version != installedVersion) {
      // The version also moves when nothing really changed (an undo drops and recreates triggers).
      if (Schema.objects(db).equals(objectsAtInstall)) {
        installedVersion = version;
      } else {
        reinstall();
      }
    }
    db.internalExec("DELETE FROM temp._sqlgit_writes");
  }

  /**
   * Whether the schema moved since {@link #start()}: triggers may be missing for a new table, so a
   * capture spanning several statements collects and starts again before the next one.
   */
  boolean schemaMoved() {
    return Schema.version(db) != installedVersion || db.schemaVersion("temp") != installedTempVersion;
  }

  private void reinstall() {
    install();
    installedVersion = Schema.version(db);
    installedTempVersion = db.schemaVersion("temp");
    objectsAtInstall = Schema.objects(db);
  }

  /** The rows written since {@link #start()}. */
  Set<RowKey> collect() {
    Set<RowKey> writes = new HashSet<>();
    db.internalRead(
        "SELECT tbl, k FROM temp._sqlgit_writes", r -> writes.add(new RowKey(r.getString(1), r.getString(2))));
    if (Schema.version(db) != installedVersion) {
      Map<String, String> now = Schema.objects(db);
      if (now.equals(objectsAtInstall)) {
        installedVersion = Schema.version(db); // recreated as it was: nothing changed
        return writes;
      }
      Set<String> names = new HashSet<>(now.keySet());
      names.addAll(objectsAtInstall.keySet());
      for (String name : names) {
        String before = objectsAtInstall.get(name);
        String after = now.get(name);
        if (before == null ? after != null : !before.equals(after)) {
          // Index or trigger changes count against the table they belong to.
          String table = tableOf(name, now, before, after);
          writes.add(RowKey.wholeTable(table));
        }
      }
      installedVersion = -1; // reinstall triggers for the new schema on next start()
    }
    return writes;
  }

  private static String tableOf(String name, Map<String, String> now, String before, String after) {
    String objectName = name.substring(name.indexOf(':') + 1);
    if (name.startsWith("table:") || name.startsWith("view:")) {
      return objectName;
    }
    String sql = (after != null ? after : before).toLowerCase(Locale.ROOT);
    int on = sql.indexOf(" on ");
    if (on < 0) {
      return objectName;
    }
    String rest = sql.substring(on + 4).strip();
    StringBuilder table = new StringBuilder();
    for (char c : rest.toCharArray()) {
      if (Character.isLetterOrDigit(c) || c == '_') {
        table.append(c);
      } else if (table.length() > 0) {
        break;
      }
    }
    return table.length() == 0 ? objectName : table.toString();
  }

  static void createBuffer(SqliteDb db) {
    db.internalExec("CREATE TEMP TABLE IF NOT EXISTS _sqlgit_writes(tbl TEXT NOT NULL, k TEXT NOT NULL)");
  }

  private void install() {
    createBuffer(db);
    UndoJournal.createTables(db);
    for (Row r :
        db.internalQuery(
            "SELECT name FROM temp.sqlite_master WHERE type = 'trigger' AND name LIKE '\\_sqlgit\\_w%' ESCAPE '\\'")) {
      db.internalExec("DROP TRIGGER temp." + Schema.quote(r.getString("name")));
    }
    int i = 0;
    for (Map.Entry<String, String> table : Schema.tables(db).entrySet()) {
      List<String> keys = Schema.keyColumns(db, table.getValue());
      String target = "main." + Schema.quote(table.getValue());
      String name = "_sqlgit_w" + (i++) + "_";
      String tbl = "'" + table.getKey().replace("'", "''") + "'";
      String image = UndoJournal.rowImage(db, table.getValue(), "OLD");
      // INSERT OR REPLACE deletes the row holding the key without firing delete triggers: journal it first.
      db.internalExec(
          "CREATE TEMP TRIGGER " + name + "b BEFORE INSERT ON " + target + " BEGIN "
              + UndoJournal.recordDisplaced(tbl, target, keys, UndoJournal.rowImage(db, table.getValue(), "o")) + " END");
      db.internalExec(
          "CREATE TEMP TRIGGER " + name + "i AFTER INSERT ON " + target + " BEGIN INSERT INTO _sqlgit_writes VALUES ("
              + tbl + ", " + keyExpr("NEW", keys) + "); "
              + UndoJournal.record(tbl, "'I'", keyExpr("NEW", keys), "NULL", "NULL") + " END");
      db.internalExec(
          "CREATE TEMP TRIGGER " + name + "u AFTER UPDATE ON " + target + " BEGIN INSERT INTO _sqlgit_writes VALUES ("
              + tbl + ", " + keyExpr("OLD", keys) + "), (" + tbl + ", " + keyExpr("NEW", keys) + "); "
              + UndoJournal.record(tbl, "'U'", keyExpr("NEW", keys), keyExpr("OLD", keys), image) + " END");
      db.internalExec(
          "CREATE TEMP TRIGGER " + name + "d AFTER DELETE ON " + target + " BEGIN INSERT INTO _sqlgit_writes VALUES ("
              + tbl + ", " + keyExpr("OLD", keys) + "); "
              + UndoJournal.record(tbl, "'D'", keyExpr("OLD", keys), "NULL", image) + " END");
    }
  }

  static String keyExpr(String row, List<String> keys) {
    StringJoiner j = new StringJoiner(", ", "json_array(", ")");
    for (String k : keys) {
      j.add("quote(" + row + "." + Schema.quote(k) + ")");
    }
    return j.toString();
  }

  /** Parses a captured key back into SQL literals, in key-column order. */
  static List<String> literals(String key) {
    try {
      List<String> out = new ArrayList<>();
      for (com.fasterxml.jackson.databind.JsonNode n : JsonHolder.MAPPER.readTree(key)) {
        out.add(n.asText());
      }
      return out;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("malformed captured key " + key, e);
    }
  }

  private static final class JsonHolder {
    static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
        new com.fasterxml.jackson.databind.ObjectMapper();
  }
}
