package dev.sqlgit.testing;

import dev.sqlgit.Db;
import dev.sqlgit.Row;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A replica's whole application state, for asserting that two replicas hold the same. */
public final class UserTables {
  private UserTables() {}

  /** Every user table's rows, ordered by the first column (sqlgit's own tables left out). */
  public static Map<String, List<Row>> dump(Db db) {
    Map<String, List<Row>> out = new TreeMap<>();
    for (String table :
        db.query(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
                + " AND name NOT LIKE 'sqlite!_%' ESCAPE '!' AND name NOT LIKE '!_sqlgit!_%' ESCAPE '!'",
            String.class)) {
      out.put(table, db.query("SELECT * FROM \"" + table + "\" ORDER BY 1"));
    }
    return out;
  }
}
