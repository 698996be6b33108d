package dev.sqlgit.internal.sqlite;

import dev.sqlgit.Row;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * "Same state" as SPEC §2 defines it: the same schema and the same rows per table, ignoring row
 * order and rowids. sqlgit's own {@code _sqlgit_*} tables are not part of the state.
 */
public final class StateComparison {
  private StateComparison() {}

  /** Whether two databases hold the same user schema and the same rows. */
  public static boolean sameState(SqliteDb a, SqliteDb b) {
    if (!Schema.objects(a).equals(Schema.objects(b))) {
      return false;
    }
    for (String table : Schema.tables(a).values()) {
      if (!sameTable(a, b, table)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether every row in {@code keys} is the same in both databases (absent from both counts as
   * the same); a whole-table key compares the whole table.
   */
  public static boolean sameRows(SqliteDb a, SqliteDb b, Set<RowKey> keys) {
    return rows(a, keys).equals(rows(b, keys));
  }

  /**
   * The rows at {@code keys} (a whole-table key reads the whole table as a multiset), to compare two
   * states that exist one after the other on the same connection (inside savepoints).
   */
  public static Map<RowKey, Object> rows(SqliteDb db, Set<RowKey> keys) {
    Map<String, String> tables = Schema.tables(db);
    Map<RowKey, Object> out = new HashMap<>();
    for (RowKey key : keys) {
      String table = tables.get(key.table());
      if (table == null) {
        out.put(key, "absent table");
      } else if (key.isWholeTable()) {
        out.put(key, multiset(db.internalQuery("SELECT * FROM " + Schema.quote(table))));
      } else {
        out.put(key, rowByKey(db, table, key));
      }
    }
    return out;
  }

  private static boolean sameTable(SqliteDb a, SqliteDb b, String table) {
    String sql = "SELECT * FROM " + Schema.quote(table);
    return multiset(a.internalQuery(sql)).equals(multiset(b.internalQuery(sql)));
  }

  private static Map<Row, Integer> multiset(List<Row> rows) {
    Map<Row, Integer> counts = new HashMap<>();
    for (Row r : rows) {
      counts.merge(r, 1, Integer::sum);
    }
    return counts;
  }

  private static List<Row> rowByKey(SqliteDb db, String table, RowKey key) {
    List<String> columns = Schema.keyColumns(db, table);
    List<String> literals = ChangeCapture.literals(key.key());
    if (columns.size() != literals.size()) {
      return db.internalQuery("SELECT * FROM " + Schema.quote(table)); // schema differs: compare whole
    }
    StringJoiner where = new StringJoiner(" AND ");
    for (int i = 0; i < columns.size(); i++) {
      // The literals come from SQLite's own quote(), so they are valid SQL literals.
      where.add(Schema.quote(columns.get(i)) + " IS " + literals.get(i));
    }
    return db.internalQuery("SELECT * FROM " + Schema.quote(table) + " WHERE " + where);
  }
}
