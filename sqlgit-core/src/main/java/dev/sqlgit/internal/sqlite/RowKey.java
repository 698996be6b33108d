package dev.sqlgit.internal.sqlite;

import java.util.Objects;

/**
 * A written row, keyed by its table's declared primary key (not by rowid, which differs between
 * replicas): {@code key} is a JSON array of SQL literals as SQLite's {@code quote()} prints them,
 * or {@code "*"} for "the whole table" (DDL, or a write that could not be keyed).
 */
public record RowKey(String table, String key) {
  public static final String WHOLE_TABLE = "*";

  public RowKey {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(key, "key");
  }

  public static RowKey wholeTable(String table) {
    return new RowKey(table, WHOLE_TABLE);
  }

  public boolean isWholeTable() {
    return WHOLE_TABLE.equals(key);
  }
}
