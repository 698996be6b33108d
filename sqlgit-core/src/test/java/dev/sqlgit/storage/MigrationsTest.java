package dev.sqlgit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqlgit.Row;
import dev.sqlgit.StorageException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MigrationsTest {
  static final List<String> BILLING =
      List.of(
          "CREATE TABLE orders(id INTEGER PRIMARY KEY, total INTEGER NOT NULL)",
          "INSERT INTO orders VALUES (1, 100), (2, 200)");

  @TempDir Path dir;
  Path file;
  SqliteStore store;

  @BeforeEach
  void open() {
    file = dir.resolve("app.db");
    store = SqliteStore.open(file, StoreOptions.defaults());
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void entriesApplyOnceAcrossReopenAndAreRecordedPerFeature() {
    List<String> todos =
        List.of(
            "CREATE TABLE todos(id INTEGER PRIMARY KEY, title TEXT);"
                + " INSERT INTO todos(title) VALUES ('seeded')",
            "ALTER TABLE todos ADD COLUMN done INTEGER NOT NULL DEFAULT 0");
    store.migrate("todos", todos);
    store.migrate("billing", BILLING);
    store.migrate("todos", todos);
    store.close();

    store = SqliteStore.open(file, StoreOptions.defaults());
    List<String> more = new java.util.ArrayList<>(todos);
    more.add("CREATE INDEX todos_done ON todos(done)");
    store.migrate("todos", more);

    assertThat(store.one("SELECT count(*) FROM todos", Long.class)).contains(1L);
    assertThat(store.query("SELECT feature, idx, sha256 FROM _sqlgit_migrations ORDER BY feature, idx"))
        .extracting(r -> r.getString("feature") + "#" + r.getLong("idx"))
        .containsExactly("billing#0", "billing#1", "todos#0", "todos#1", "todos#2");
    assertThat(store.one("SELECT sha256 FROM _sqlgit_migrations WHERE feature = 'todos' AND idx = 1", String.class))
        .contains(Migrations.sha256(todos.get(1)));
    assertThat(owners()).containsExactlyEntriesOf(new TreeMap<>(Map.of("orders", "billing", "todos", "todos")));
  }

  @Test
  void aSecondStoreOnTheSameFileSkipsWhatTheFirstApplied() {
    store.migrate("billing", BILLING);
    try (SqliteStore other = SqliteStore.open(file, StoreOptions.defaults())) {
      other.migrate("billing", BILLING);
    }
    assertThat(store.one("SELECT count(*) FROM orders", Long.class)).contains(2L);
  }

  @Test
  void aFailingEntryIsRolledBackAndNotRecordedWhileEarlierOnesStay() {
    assertThatThrownBy(
            () ->
                store.migrate(
                    "todos",
                    List.of(
                        "CREATE TABLE todos(id INTEGER PRIMARY KEY)",
                        "CREATE TABLE labels(name TEXT); INSERT INTO no_such_table VALUES (1)")))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("no_such_table");
    assertThat(tables()).contains("todos").doesNotContain("labels");
    assertThat(store.query("SELECT idx FROM _sqlgit_migrations", Long.class)).containsExactly(0L);
    assertThat(owners()).doesNotContainKey("labels");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ALTER TABLE orders ADD COLUMN todo_id INTEGER",
        "ALTER TABLE orders RENAME TO my_orders",
        "DROP TABLE orders",
        "CREATE INDEX orders_total ON orders(total)",
        "CREATE TRIGGER orders_audit AFTER INSERT ON orders BEGIN SELECT 1; END",
        "CREATE TEMP TRIGGER orders_spy AFTER INSERT ON main.orders BEGIN SELECT 1; END",
        "INSERT INTO orders VALUES (3, 300)",
        "UPDATE orders SET total = 0 WHERE id = 1",
        "UPDATE orders SET total = 0 WHERE 0", // writes no row, still targets the table
        "DELETE FROM orders", // SQLite's truncate: a Clear, not an OpenWrite
        "REPLACE INTO orders VALUES (1, 1)",
        "WITH doubled AS (SELECT id, total * 2 AS t FROM orders) UPDATE orders SET total ="
            + " (SELECT t FROM doubled WHERE doubled.id = orders.id)"
      })
  void touchingAnotherFeaturesTableFailsNamingTheOwnerAndIsRolledBack(String touch) {
    store.migrate("billing", BILLING);
    List<Row> ordersBefore = store.query("SELECT * FROM orders ORDER BY id");
    String schemaBefore = schemaSql();

    assertThatThrownBy(
            () ->
                store.migrate(
                    "todos",
                    List.of(
                        "CREATE TABLE todos(id INTEGER PRIMARY KEY)",
                        "CREATE TABLE notes(body TEXT); " + touch)))
        .isInstanceOfSatisfying(
            MigrationOwnershipException.class,
            e -> {
              assertThat(e.feature()).isEqualTo("todos");
              assertThat(e.index()).isEqualTo(1);
              assertThat(e.table()).isEqualTo("orders");
              assertThat(e.owner()).isEqualTo("billing");
            })
        .hasMessageContaining("'orders'")
        .hasMessageContaining("'billing'");

    assertThat(store.query("SELECT * FROM orders ORDER BY id")).isEqualTo(ordersBefore);
    assertThat(schemaSql()).isEqualTo(schemaBefore); // orders unchanged, notes rolled back too
    assertThat(tables()).contains("todos").doesNotContain("notes");
    assertThat(store.query("SELECT feature || '#' || idx FROM _sqlgit_migrations", String.class))
        .containsExactlyInAnyOrder("billing#0", "billing#1", "todos#0");
    assertThat(owners()).doesNotContainKey("notes").containsEntry("orders", "billing");
  }

  @Test
  void readingAnotherFeaturesTableIsAllowed() {
    store.migrate("billing", BILLING);
    store.migrate(
        "reports",
        List.of(
            "CREATE TABLE order_copy AS SELECT * FROM orders", // OpenWrite with a register p2
            "CREATE TABLE big(id INTEGER REFERENCES orders(id));"
                + " INSERT INTO big SELECT id FROM orders WHERE total > 150",
            "CREATE VIEW totals AS SELECT sum(total) AS total FROM orders"));
    assertThat(store.one("SELECT count(*) FROM order_copy", Long.class)).contains(2L);
    assertThat(store.one("SELECT id FROM big", Long.class)).contains(2L);
    assertThat(owners())
        .containsEntry("order_copy", "reports")
        .containsEntry("big", "reports")
        .containsEntry("totals", "reports");
  }

  @Test
  void writesThroughCascadesAndTriggersCount() {
    store.migrate("billing", BILLING);
    store.migrate(
        "todos",
        List.of(
            "CREATE TABLE todos(id INTEGER PRIMARY KEY,"
                + " order_id INTEGER REFERENCES orders(id) ON DELETE CASCADE)",
            "INSERT INTO todos VALUES (10, 1)"));
    // billing deleting its own order would cascade into the todos table
    assertThatThrownBy(() -> store.migrate("billing", append(BILLING, "DELETE FROM orders WHERE id = 1")))
        .isInstanceOfSatisfying(
            MigrationOwnershipException.class,
            e -> assertThat(List.of(e.table(), e.owner())).containsExactly("todos", "todos"));
    assertThat(store.one("SELECT count(*) FROM todos", Long.class)).contains(1L);

    // a trigger on todos' own table that writes billing's table
    List<String> todos =
        List.of(
            "CREATE TABLE todos(id INTEGER PRIMARY KEY,"
                + " order_id INTEGER REFERENCES orders(id) ON DELETE CASCADE)",
            "INSERT INTO todos VALUES (10, 1)",
            "CREATE TRIGGER todo_bills AFTER INSERT ON todos"
                + " BEGIN INSERT INTO orders VALUES (NEW.id, 0); END");
    store.migrate("todos", todos); // creating it touches only todos
    assertThatThrownBy(() -> store.migrate("todos", append(todos, "INSERT INTO todos VALUES (11, NULL)")))
        .isInstanceOfSatisfying(
            MigrationOwnershipException.class,
            e -> assertThat(List.of(e.table(), e.owner())).containsExactly("orders", "billing"));
  }

  @Test
  void writesToAnotherFeaturesVirtualTableAreCaughtThroughItsShadowTables() {
    store.migrate("search", List.of("CREATE VIRTUAL TABLE docs USING fts5(body)"));
    assertThat(owners()).containsEntry("docs", "search").containsEntry("docs_content", "search");
    assertThatThrownBy(() -> store.migrate("todos", List.of("INSERT INTO docs VALUES ('sneaky')")))
        .isInstanceOfSatisfying(
            MigrationOwnershipException.class, e -> assertThat(e.owner()).isEqualTo("search"));
    assertThat(store.one("SELECT count(*) FROM docs", Long.class)).contains(0L);
  }

  @Test
  void aFeatureEvolvesItsOwnTablesAndARenameMovesOwnership() {
    store.migrate(
        "todos",
        List.of(
            "CREATE TABLE t1(x)",
            "ALTER TABLE t1 ADD COLUMN y; CREATE INDEX t1_y ON t1(y);"
                + " CREATE TRIGGER t1_t AFTER INSERT ON t1 BEGIN SELECT 1; END",
            "ALTER TABLE t1 RENAME TO t2",
            "INSERT INTO t2 VALUES (1, 2); UPDATE t2 SET y = 3; DELETE FROM t2",
            "CREATE TABLE gone(x); DROP TABLE gone"));
    assertThat(owners()).containsExactlyEntriesOf(Map.of("t2", "todos"));
  }

  @Test
  void tablesCreatedOutsideMigrationsAreUnclaimedAndMayBeTouched() {
    store.exec("CREATE TABLE legacy(x)");
    store.migrate("a", List.of("ALTER TABLE legacy ADD COLUMN y"));
    store.migrate("b", List.of("INSERT INTO legacy VALUES (1, 2)"));
    assertThat(owners()).isEmpty();
  }

  @Test
  void sqlgitsOwnTablesAreFenced() {
    store.migrate("billing", BILLING);
    assertThatThrownBy(
            () -> store.migrate("todos", List.of("UPDATE _sqlgit_table_owners SET feature = 'todos'")))
        .isInstanceOfSatisfying(
            MigrationOwnershipException.class, e -> assertThat(e.owner()).isEqualTo("sqlgit"));
    assertThat(owners()).containsEntry("orders", "billing");
  }

  @Test
  void anEditedAppliedEntryIsRefused() {
    store.migrate("todos", List.of("CREATE TABLE todos(id INTEGER PRIMARY KEY)"));
    assertThatThrownBy(
            () ->
                store.migrate(
                    "todos",
                    List.of(
                        "CREATE TABLE todos(id INTEGER PRIMARY KEY, title TEXT)",
                        "CREATE TABLE more(x)")))
        .isInstanceOfSatisfying(
            MigrationChangedException.class,
            e -> assertThat(List.of(e.feature(), e.index())).containsExactly("todos", 0))
        .hasMessageContaining("todos#0")
        .hasMessageContaining("edited");
    assertThat(tables()).doesNotContain("more");
  }

  @Test
  void aRemovedAppliedEntryIsRefused() {
    store.migrate("todos", List.of("CREATE TABLE a(x)", "CREATE TABLE b(x)"));
    assertThatThrownBy(() -> store.migrate("todos", List.of("CREATE TABLE a(x)")))
        .isInstanceOfSatisfying(
            MigrationChangedException.class, e -> assertThat(e.index()).isEqualTo(1))
        .hasMessageContaining("missing");
  }

  @Test
  void featureNamesAreRequired() {
    assertThatThrownBy(() -> store.migrate(" ", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static List<String> append(List<String> list, String entry) {
    List<String> out = new java.util.ArrayList<>(list);
    out.add(entry);
    return out;
  }

  private Map<String, String> owners() {
    Map<String, String> out = new TreeMap<>();
    for (Row r : store.query("SELECT tbl, feature FROM _sqlgit_table_owners")) {
      out.put(r.getString("tbl"), r.getString("feature"));
    }
    return out;
  }

  private List<String> tables() {
    return store.query("SELECT name FROM sqlite_schema WHERE type = 'table'", String.class);
  }

  private String schemaSql() {
    return String.join(
        "\n",
        store.query(
            "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_schema"
                + " WHERE name NOT IN ('todos') ORDER BY name",
            String.class));
  }
}
