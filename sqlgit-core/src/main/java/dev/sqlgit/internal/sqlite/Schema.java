package dev.sqlgit.internal.sqlite;

import dev.sqlgit.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Introspection of a database's user schema; sqlgit's own {@code _sqlgit_*} tables excluded. */
public final class Schema {
  private Schema() {}

  /** Whether a table belongs to SQLite or sqlgit rather than to the application. */
  public static boolean isInternal(String table) {
    String t = table.toLowerCase(Locale.ROOT);
    return t.startsWith("sqlite_") || t.startsWith("_sqlgit_");
  }

  /** The main schema's version counter (changes with every DDL statement). */
  public static long version(SqliteDb db) {
    return db.schemaVersion("main");
  }

  /** Every user schema object (tables, indexes, views, triggers) by lower-case name, with its SQL. */
  public static Map<String, String> objects(SqliteDb db) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Row r :
        db.internalQuery("SELECT type, name, sql FROM main.sqlite_schema ORDER BY type, name")) {
      String name = r.getString("name");
      if (!isInternal(name)) {
        out.put(r.getString("type") + ":" + name.toLowerCase(Locale.ROOT), r.getString("sql"));
      }
    }
    return out;
  }

  /** User tables (not views), lower-case name to declared name. */
  public static Map<String, String> tables(SqliteDb db) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Row r :
        db.internalQuery(
            "SELECT name FROM main.sqlite_schema WHERE type = 'table' ORDER BY name")) {
      String name = r.getString("name");
      if (!isInternal(name)) {
        out.put(name.toLowerCase(Locale.ROOT), name);
      }
    }
    return out;
  }

  /** Root page number to lower-case table name, indexes mapped to their table. */
  public static Map<Long, String> rootPages(SqliteDb db) {
    Map<Long, String> out = new HashMap<>();
    for (Row r :
        db.internalQuery(
            "SELECT tbl_name, rootpage FROM main.sqlite_schema"
                + " WHERE type IN ('table', 'index') AND rootpage > 0")) {
      out.put(r.getLong("rootpage"), r.getString("tbl_name").toLowerCase(Locale.ROOT));
    }
    return out;
  }

  /**
   * The columns that identify a row of {@code table}: its declared primary key in key order, or
   * {@code rowid} when it declares none.
   */
  public static List<String> keyColumns(SqliteDb db, String table) {
    List<Row> info = db.internalQuery("SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", table);
    List<String> out = new ArrayList<>();
    for (Row r : info) {
      out.add(r.getString("name"));
    }
    if (out.isEmpty()) {
      out.add("rowid");
    }
    return out;
  }

  /** Quotes an identifier for SQL. */
  public static String quote(String identifier) {
    return identifier.equals("rowid") ? "rowid" : "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
