package dev.sqlgit.internal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqlgit.ExecResult;
import dev.sqlgit.Row;
import dev.sqlgit.StorageException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link SqliteDb} as the {@link dev.sqlgit.Db} seam: values, mapping, exec, scripts, errors. */
class DbTest {
  private SqliteDb db;

  record Person(String id, String fullName, long birthYear, Double heightM) {}

  enum Colour {
    RED,
    GREEN
  }

  @BeforeEach
  void open() {
    db = SqliteDb.openMemory("t");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private void people() {
    db.execScript(
        "CREATE TABLE people(id TEXT PRIMARY KEY, full_name TEXT NOT NULL, birth_year INTEGER,"
            + " height_m REAL);"
            + "INSERT INTO people VALUES ('p1', 'Ada Lovelace', 1815, 1.65);"
            + "INSERT INTO people VALUES ('p2', 'Alan Turing', 1912, NULL);");
  }

  @Test
  void rowValuesAreLongDoubleStringBytesOrNull() {
    Row row =
        db.one("SELECT 7 AS i, 9999999999 AS big, 1.5 AS d, 'x' AS s, x'00ff' AS b, NULL AS n")
            .orElseThrow();

    assertThat(row.columns()).containsExactly("i", "big", "d", "s", "b", "n");
    assertThat(row.get("i")).isInstanceOf(Long.class).isEqualTo(7L);
    assertThat(row.get("big")).isInstanceOf(Long.class).isEqualTo(9999999999L);
    assertThat(row.get("d")).isInstanceOf(Double.class).isEqualTo(1.5);
    assertThat(row.get("s")).isInstanceOf(String.class).isEqualTo("x");
    assertThat(row.get("b")).isInstanceOf(byte[].class);
    assertThat((byte[]) row.get("b")).containsExactly(0x00, 0xff);
    assertThat(row.get("n")).isNull();
    assertThat(row.getLong("i")).isEqualTo(7L);
    assertThat(row.getDouble("d")).isEqualTo(1.5);
    assertThat(row.getString("s")).isEqualTo("x");
    assertThat(row.getLong("n")).isNull();
  }

  @Test
  void valuesOfDeclaredTypesAreStillPlainSqliteValues() {
    db.exec("CREATE TABLE t(d DATE, ts TIMESTAMP, b BOOLEAN, n NUMERIC, m DECIMAL(10,2))");
    db.exec("INSERT INTO t VALUES (20240101, '2024-01-01 10:00:00', 1, 3.5, 12)");

    Row row = db.one("SELECT * FROM t").orElseThrow();

    assertThat(row.values())
        .containsExactly(20240101L, "2024-01-01 10:00:00", 1L, 3.5, 12L);
  }

  @Test
  void rowsAreEqualByValueIncludingBlobs() {
    db.exec("CREATE TABLE blobs(id INTEGER PRIMARY KEY, data BLOB)");
    db.exec("INSERT INTO blobs VALUES (1, ?)", new byte[] {1, 2, 3});

    Row a = db.one("SELECT id, data FROM blobs").orElseThrow();
    Row b = db.one("SELECT id, data FROM blobs").orElseThrow();
    Row literal = new Row(List.of("id", "data"), Arrays.asList(1L, new byte[] {1, 2, 3}));
    Row other = new Row(List.of("id", "data"), Arrays.asList(1L, new byte[] {1, 2, 4}));

    assertThat(a).isEqualTo(b).isEqualTo(literal).hasSameHashCodeAs(literal);
    assertThat(a).isNotEqualTo(other);
    assertThat(a).isNotEqualTo(new Row(List.of("id", "blob"), Arrays.asList(1L, new byte[] {1, 2, 3})));
  }

  @Test
  void rowBlobsCannotBeMutatedFromOutside() {
    byte[] data = {1, 2, 3};
    Row row = new Row(List.of("b"), Arrays.asList((Object) data));
    data[0] = 9;
    ((byte[]) row.get("b"))[1] = 9;

    assertThat((byte[]) row.get("b")).containsExactly(1, 2, 3);
  }

  @Test
  void getOfAnUnknownColumnThrows() {
    Row row = db.one("SELECT 1 AS a").orElseThrow();

    assertThatThrownBy(() -> row.get("b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("b");
    assertThatThrownBy(() -> row.getString("nope")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void queryMapsSnakeCaseColumnsToCamelCaseRecordComponents() {
    people();

    List<Person> all = db.query("SELECT * FROM people ORDER BY id", Person.class);

    assertThat(all)
        .containsExactly(
            new Person("p1", "Ada Lovelace", 1815, 1.65), new Person("p2", "Alan Turing", 1912, null));
    assertThat(db.one("SELECT * FROM people WHERE id = ?", Person.class, "p2"))
        .contains(new Person("p2", "Alan Turing", 1912, null));
  }

  @Test
  void recordMappingWithAMissingColumnFails() {
    people();

    assertThatThrownBy(() -> db.query("SELECT id, full_name FROM people", Person.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("birthYear");
  }

  @Test
  void scalarMapping() {
    people();

    assertThat(db.one("SELECT count(*) FROM people", Long.class)).contains(2L);
    assertThat(db.query("SELECT full_name FROM people ORDER BY id", String.class))
        .containsExactly("Ada Lovelace", "Alan Turing");
    assertThat(db.one("SELECT height_m FROM people WHERE id = 'p1'", Double.class)).contains(1.65);
    assertThat(db.one("SELECT birth_year FROM people WHERE id = 'p1'", Integer.class)).contains(1815);
    assertThat(db.one("SELECT birth_year > 1900 FROM people WHERE id = 'p2'", Boolean.class))
        .contains(true);
  }

  @Test
  void oneOnNoRowsIsEmpty() {
    people();

    assertThat(db.one("SELECT * FROM people WHERE id = ?", "zz")).isEmpty();
    assertThat(db.one("SELECT * FROM people WHERE id = ?", Person.class, "zz")).isEmpty();
    assertThat(db.one("SELECT id FROM people WHERE id = ?", row -> row.getString("id"), "zz"))
        .isEmpty();
    assertThat(db.query("SELECT * FROM people WHERE 0")).isEmpty();
  }

  @Test
  void execReturnsChangesAndLastId() {
    db.exec("CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)");

    ExecResult first = db.exec("INSERT INTO items(name) VALUES (?)", "a");
    ExecResult second = db.exec("INSERT INTO items(id, name) VALUES (?, ?)", 41, "b");
    ExecResult third = db.exec("INSERT INTO items(name) VALUES (?)", "c");
    ExecResult update = db.exec("UPDATE items SET name = upper(name) WHERE id > ?", 1);
    ExecResult none = db.exec("DELETE FROM items WHERE id = ?", 999);

    assertThat(first).isEqualTo(new ExecResult(1, 1));
    assertThat(second).isEqualTo(new ExecResult(1, 41));
    assertThat(third).isEqualTo(new ExecResult(1, 42));
    assertThat(update.changes()).isEqualTo(2);
    assertThat(none.changes()).isZero();
  }

  @Test
  void execScriptSplitsStatementsAroundTriggerBodiesCaseCommentsAndQuotes() {
    db.execScript(
        "-- a comment; with a semicolon\n"
            + "CREATE TABLE t(id INTEGER PRIMARY KEY, kind TEXT, note TEXT); /* block; comment */\n"
            + "CREATE TABLE audit(seq INTEGER PRIMARY KEY, msg TEXT);\n"
            + "CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN\n"
            + "  INSERT INTO audit(msg) VALUES (CASE WHEN NEW.kind = 'a' THEN 'A;' ELSE 'other' END);\n"
            + "  -- inside the body; still the trigger\n"
            + "  INSERT INTO audit(msg) VALUES ('second; statement');\n"
            + "END;\n"
            + "INSERT INTO t(kind, note) VALUES ('a', 'semi;colon ''quoted''');\n"
            + "INSERT INTO t(kind, note) VALUES ('b', \"ok\" || ';');\n"
            + ";;\n"
            + "-- trailing comment only");

    assertThat(db.query("SELECT msg FROM audit ORDER BY seq", String.class))
        .containsExactly("A;", "second; statement", "other", "second; statement");
    assertThat(db.query("SELECT note FROM t ORDER BY id", String.class))
        .containsExactly("semi;colon 'quoted'", "ok;");
    assertThat(db.one("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'", Long.class))
        .contains(1L);
  }

  @Test
  void bindsBooleanEnumBytesAndNull() {
    db.exec("CREATE TABLE v(flag, colour, data, empty)");

    db.exec("INSERT INTO v VALUES (?, ?, ?, ?)", true, Colour.GREEN, new byte[] {7, 8}, null);
    db.exec("INSERT INTO v VALUES (?, ?, ?, ?)", false, Colour.RED, new byte[0], null);

    List<Row> rows =
        db.query(
            "SELECT flag, typeof(flag) AS tf, colour, typeof(data) AS td, data, empty IS NULL AS no_value"
                + " FROM v ORDER BY rowid");
    assertThat(rows.get(0).values()).containsExactly(1L, "integer", "GREEN", "blob", new byte[] {7, 8}, 1L);
    assertThat(rows.get(1).values()).containsExactly(0L, "integer", "RED", "blob", new byte[0], 1L);
    assertThat(db.one("SELECT count(*) FROM v WHERE colour = ?", Long.class, Colour.GREEN)).contains(1L);
    assertThat(db.one("SELECT count(*) FROM v WHERE flag = ?", Long.class, true)).contains(1L);
  }

  @Test
  void sqlErrorsBecomeStorageExceptionsWithResultCodeAndSql() {
    db.exec("CREATE TABLE k(id TEXT PRIMARY KEY, n INTEGER CHECK (n >= 0))");
    db.exec("INSERT INTO k VALUES ('a', 1)");

    assertThatThrownBy(() -> db.exec("INSERT INTO k VALUES (?, ?)", "a", 2))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.resultCode()).isEqualTo(19))
        .hasMessageContaining("INSERT INTO k VALUES (?, ?)");
    assertThatThrownBy(() -> db.exec("UPDATE k SET n = -1"))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.resultCode()).isEqualTo(19))
        .hasMessageContaining("UPDATE k SET n = -1");
    assertThatThrownBy(() -> db.query("SELEC nonsense"))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.resultCode()).isEqualTo(1))
        .hasMessageContaining("SELEC nonsense");
    assertThat(db.query("SELECT id, n FROM k", Row.class))
        .containsExactly(new Row(List.of("id", "n"), List.of("a", 1L)));
  }

  @Test
  void aFailedStatementInAScriptIsReportedWithItsSql() {
    assertThatThrownBy(() -> db.execScript("CREATE TABLE a(x); INSERT INTO missing VALUES (1);"))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("INSERT INTO missing VALUES (1)");
    assertThat(db.one("SELECT count(*) FROM sqlite_schema WHERE name = 'a'", Long.class)).contains(1L);
  }

  @Test
  void closedDatabaseThrows() {
    db.close();

    assertThatThrownBy(() -> db.query("SELECT 1")).isInstanceOf(dev.sqlgit.ClosedException.class);
    assertThat(Optional.of(db.isClosed())).contains(true);
  }
}
