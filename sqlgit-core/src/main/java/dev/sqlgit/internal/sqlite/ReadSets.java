package dev.sqlgit.internal.sqlite;

import dev.sqlgit.Row;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tables a statement reads, computed by SQLite itself from the statement's {@code EXPLAIN}
 * program (trigger sub-programs, views and subqueries included): every table or index opened for
 * reading, plus every table opened for writing whose cursor the program also reads from (an
 * UPDATE's WHERE clause, a trigger's {@code balance = balance + ?}). An INSERT's own uniqueness
 * probe is not a read. Cached per statement text and schema version.
 */
final class ReadSets {
  /** Marker returned when the program cannot be analysed: assume it reads everything. */
  static final Set<String> EVERYTHING = Set.of("*");

  private static final Set<String> CURSOR_READS =
      Set.of(
          "Column", "Rewind", "Last", "Next", "Prev", "SeekGE", "SeekGT", "SeekLE", "SeekLT",
          "SeekRowid", "IdxGE", "IdxGT", "IdxLE", "IdxLT", "IdxRowid", "Found", "NotFound",
          "RowData", "Rowid", "SeekScan", "DeferredSeek", "Count", "SorterSort", "IfNoHope");

  private final Map<String, Set<String>> cache = new HashMap<>();
  private long cachedVersion = -1;
  private Map<Long, String> rootPages = Map.of();

  Set<String> of(SqliteDb db, String sql) {
    long version = Schema.version(db);
    if (version != cachedVersion) {
      cache.clear();
      rootPages = Schema.rootPages(db);
      cachedVersion = version;
    }
    return cache.computeIfAbsent(sql, s -> analyse(db, s));
  }

  private Set<String> analyse(SqliteDb db, String sql) {
    List<Row> program;
    try {
      program = db.internalQuery("EXPLAIN " + sql);
    } catch (RuntimeException e) {
      return EVERYTHING;
    }
    Set<String> reads = new HashSet<>();
    int start = 0;
    for (int i = 1; i <= program.size(); i++) {
      // Each sub-program (a trigger body) restarts at address 0.
      if (i == program.size() || program.get(i).getLong("addr") == 0) {
        analyseSegment(program.subList(start, i), reads);
        start = i;
      }
    }
    reads.removeIf(Schema::isInternal);
    return reads;
  }

  private void analyseSegment(List<Row> ops, Set<String> reads) {
    Map<Long, String> writeCursors = new HashMap<>();
    for (Row op : ops) {
      String opcode = op.getString("opcode");
      boolean read = opcode.equals("OpenRead");
      if ((read || opcode.equals("OpenWrite")) && op.getLong("p3") == 0) {
        String table = rootPages.get(op.getLong("p2"));
        if (table == null) {
          continue;
        }
        if (read) {
          reads.add(table);
        } else {
          writeCursors.put(op.getLong("p1"), table);
        }
      }
    }
    if (writeCursors.isEmpty()) {
      return;
    }
    for (Row op : ops) {
      if (CURSOR_READS.contains(op.getString("opcode"))) {
        String table = writeCursors.get(op.getLong("p1"));
        if (table != null) {
          reads.add(table);
        }
      }
    }
  }
}
