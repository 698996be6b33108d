package dev.sqlgit.internal.sqlite;

import java.util.HashSet;
import java.util.Set;

/**
 * What one action touched, as SQLite reported it: the tables it read (table-level, from {@code
 * EXPLAIN}) and the rows it wrote (row-level, from change-capture triggers, trigger writes
 * included). Lower-case table names.
 */
public record Footprint(Set<String> readTables, boolean readsEverything, Set<RowKey> writes) {
  public static final Footprint NONE = new Footprint(Set.of(), false, Set.of());

  public Footprint {
    readTables = Set.copyOf(readTables);
    writes = Set.copyOf(writes);
  }

  /** Tables this action wrote at least one row of. */
  public Set<String> writtenTables() {
    return tablesOf(writes);
  }

  /** The tables of {@code writes}. */
  public static Set<String> tablesOf(Set<RowKey> writes) {
    Set<String> tables = new HashSet<>();
    for (RowKey w : writes) {
      tables.add(w.table());
    }
    return tables;
  }

  /** Whether anything this action read or wrote was written by {@code otherWrites}. */
  public boolean overlaps(Set<RowKey> otherWrites) {
    if (otherWrites.isEmpty()) {
      return false;
    }
    if (readsEverything) {
      return true;
    }
    Set<String> written = writtenTables();
    for (RowKey w : otherWrites) {
      if (readTables.contains(w.table())) {
        return true;
      }
      if (w.isWholeTable()) {
        if (written.contains(w.table())) {
          return true;
        }
      } else if (writes.contains(w) || writes.contains(RowKey.wholeTable(w.table()))) {
        return true;
      }
    }
    return false;
  }
}
