package dev.sqlgit.storage;

import dev.sqlgit.Row;
import dev.sqlgit.StorageException;
import dev.sqlgit.internal.sqlite.Schema;
import dev.sqlgit.internal.sqlite.ScriptSplitter;
import dev.sqlgit.internal.sqlite.SqliteDb;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteUpdateListener;

/**
 * Runs one migration entry, statement by statement, inside the caller's transaction, and throws
 * {@link MigrationOwnershipException} as soon as a statement touches a table that another feature
 * owns. The caller rolls the transaction back.
 *
 * <p>What "touches" means is computed by SQLite, not by parsing SQL text, from three sources that
 * together cover what one alone misses:
 *
 * <ol>
 *   <li><b>Before</b> a statement runs, its {@code EXPLAIN} program: every b-tree it opens for
 *       writing ({@code OpenWrite}, trigger sub-programs and foreign-key cascades included, even
 *       when no row matches) or truncates ({@code Clear}, the {@code DELETE} without {@code
 *       WHERE}), mapped from root page to table through {@code sqlite_schema} (an index maps to its
 *       table). An {@code OpenWrite} whose p2 is a register, not a root page (p5 has
 *       OPFLAG_P2ISREG, as in {@code CREATE TABLE … AS SELECT}), is skipped.
 *   <li><b>While</b> it runs, SQLite's update hook: the rowid tables whose rows changed. This
 *       catches writes a virtual table makes to its shadow tables, which EXPLAIN shows only as an
 *       opaque {@code VUpdate}.
 *   <li><b>After</b> it runs, a diff of {@code sqlite_schema}: a new table or view is claimed by
 *       this feature; a changed or dropped table or view, and an index or trigger created, changed
 *       or dropped, must belong to a table this feature owns. This covers all DDL ({@code ALTER},
 *       {@code DROP}, {@code CREATE INDEX … ON}, {@code CREATE TRIGGER … ON}).
 * </ol>
 *
 * <p>A write to another feature's virtual table is reported under the shadow table it changed
 * ({@code docs_content} for {@code docs}), whose owner is the same. TEMP triggers are diffed too: one
 * may sit on a main table and outlive the migration on the writer connection.
 *
 * <p>Tables nobody claimed (created outside {@code migrate}) may be touched and are not claimed.
 * Unclaimed {@code _sqlgit_*} tables belong to feature {@value #SQLGIT}. Reads of other features'
 * tables are allowed. Known limit: {@code ALTER TABLE … RENAME} rewrites other features' views and
 * triggers that name the renamed table or column, and is then refused.
 */
final class OwnershipGuard {
  /** The owner of sqlgit's own {@code _sqlgit_*} tables. */
  static final String SQLGIT = "sqlgit";

  private static final long OPFLAG_P2ISREG = 0x10;

  private final SqliteDb db;
  private final SQLiteConnection connection;
  private final String feature;
  private final int index;
  private final Map<String, String> owners;
  private final Set<String> claimed = new LinkedHashSet<>();
  private final Set<String> released = new LinkedHashSet<>();

  /** {@code owners}: the recorded table owners, lower-case table name to feature. */
  OwnershipGuard(
      Writer writer, String feature, int index, Map<String, String> owners) {
    this.db = writer.db();
    this.connection = writer.connection();
    this.feature = feature;
    this.index = index;
    this.owners = new HashMap<>(owners);
  }

  /** Runs {@code entry}; throws at the first statement that touches another feature's table. */
  void run(String entry) {
    Set<String> rowsChanged = new HashSet<>();
    SQLiteUpdateListener hook =
        (type, database, table, rowId) -> {
          if (database.equals("main")) {
            rowsChanged.add(table.toLowerCase(Locale.ROOT));
          }
        };
    connection.addUpdateListener(hook);
    try {
      Map<String, SchemaObject> schema = schema();
      for (String statement : ScriptSplitter.split(entry)) {
        requireOwned(writtenBy(statement));
        rowsChanged.clear();
        db.exec(statement);
        requireOwned(rowsChanged);
        Map<String, SchemaObject> after = schema();
        checkSchemaChanges(schema, after);
        schema = after;
      }
    } finally {
      connection.removeUpdateListener(hook);
    }
  }

  /** Tables this entry created (lower-case), to record as this feature's. */
  Set<String> claimed() {
    return claimed;
  }

  /** Tables of this feature that this entry dropped. */
  Set<String> released() {
    return released;
  }

  private Set<String> writtenBy(String statement) {
    List<Row> program;
    try {
      program = db.query("EXPLAIN " + statement);
    } catch (StorageException e) {
      // The statement does not compile; running it raises the real error, and rolls back.
      return Set.of();
    }
    Map<Long, String> tables = Schema.rootPages(db);
    Set<String> written = new HashSet<>();
    for (Row op : program) {
      String opcode = op.getString("opcode");
      boolean mainDb;
      long root;
      if (opcode.equals("OpenWrite")) {
        mainDb = op.getLong("p3") == 0 && (op.getLong("p5") & OPFLAG_P2ISREG) == 0;
        root = op.getLong("p2");
      } else if (opcode.equals("Clear")) {
        mainDb = op.getLong("p2") == 0;
        root = op.getLong("p1");
      } else {
        continue;
      }
      String table = mainDb ? tables.get(root) : null;
      if (table != null) {
        written.add(table);
      }
    }
    return written;
  }

  private void checkSchemaChanges(Map<String, SchemaObject> before, Map<String, SchemaObject> after) {
    Set<String> keys = new LinkedHashSet<>(before.keySet());
    keys.addAll(after.keySet());
    // New tables first, so that an index or trigger created on them in the same statement (or a
    // rename, which drops one name and adds another) finds them owned.
    for (String key : keys) {
      SchemaObject b = before.get(key);
      SchemaObject a = after.get(key);
      if (b == null && a.isTableLike()) {
        requireOwned(Set.of(a.name()));
        claimed.add(a.name());
        released.remove(a.name());
        owners.put(a.name(), feature);
      }
    }
    for (String key : keys) {
      SchemaObject b = before.get(key);
      SchemaObject a = after.get(key);
      if (Objects.equals(b, a) || (b == null && a.isTableLike())) {
        continue;
      }
      Set<String> tables = new HashSet<>();
      if (b != null) {
        tables.add(b.table());
      }
      if (a != null) {
        tables.add(a.table());
      }
      requireOwned(tables);
      if (a == null && b.isTableLike()) {
        claimed.remove(b.name());
        released.add(b.name());
        owners.remove(b.name());
      }
    }
  }

  private void requireOwned(Set<String> tables) {
    for (String table : tables) {
      String owner = ownerOf(table);
      if (owner != null && !owner.equals(feature)) {
        throw new MigrationOwnershipException(feature, index, table, owner);
      }
    }
  }

  private String ownerOf(String table) {
    String owner = owners.get(table);
    if (owner == null && table.startsWith("_sqlgit_")) {
      return SQLGIT;
    }
    return owner;
  }

  // Main schema objects, plus temp triggers: a TEMP trigger may sit on a main table, and one a
  // migration leaves behind lives on in the writer connection.
  private Map<String, SchemaObject> schema() {
    Map<String, SchemaObject> out = new HashMap<>();
    for (Row r :
        db.query(
            "SELECT 'main' AS db, type, name, tbl_name, sql FROM main.sqlite_schema"
                + " WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                + " UNION ALL SELECT 'temp', type, name, tbl_name, sql FROM temp.sqlite_schema"
                + " WHERE type = 'trigger'")) {
      SchemaObject o =
          new SchemaObject(
              r.getString("db").equals("main") ? r.getString("type") : "temp trigger",
              r.getString("name").toLowerCase(Locale.ROOT),
              r.getString("tbl_name").toLowerCase(Locale.ROOT),
              r.getString("sql"));
      out.put(o.type() + ":" + o.name(), o);
    }
    return out;
  }

  /** One row of {@code sqlite_schema}; {@code table} is the table an index or trigger is on. */
  private record SchemaObject(String type, String name, String table, String sql) {
    boolean isTableLike() {
      return type.equals("table") || type.equals("view");
    }
  }
}
