package dev.sqlgit.log;

import static dev.sqlgit.log.LogModel.append;
import static dev.sqlgit.log.LogModel.delete;
import static dev.sqlgit.log.LogModel.replace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.sqlgit.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite-specific checks: fault injection, table isolation, schema, pragmas, table names. */
class SqliteLogStoreTest {
  private static final List<String> DOCS = List.of("alice", "bob");
  private static final List<LogModel.Op> SCENARIO =
      List.of(
          append("alice", "a1"),
          append("alice", "a2"),
          append("bob", "b1"),
          replace("alice", List.of("r1", "r2", "r3")),
          append("alice", "r4"),
          delete("bob"),
          append("bob", "b-again"),
          replace("bob", List.of()),
          replace("alice", List.of("s1")),
          append("alice", "s2"));

  @TempDir Path dir;

  @Test
  void failingAnyWriteLeavesNothingPartialAndSeqsContinue() throws Exception {
    int writes = countWrites();
    assertThat(writes).as("write statements in the scenario").isGreaterThan(40);
    for (int n = 1; n <= writes; n++) {
      Path file = Files.createDirectory(dir.resolve("fault-" + n)).resolve("logs.db");
      FailingWrites fault = new FailingWrites();
      LogModel model = new LogModel();
      List<String> failures = new ArrayList<>();
      try (SqliteLogStore store = SqliteLogStore.open(file, SqliteLogStore.Tables.DEFAULT, fault)) {
        fault.arm(n);
        for (LogModel.Op op : SCENARIO) {
          try {
            op.apply(store);
            op.apply(model);
          } catch (StorageException e) {
            assertThat(e).hasMessageContaining("injected");
            failures.add(op + " at " + fault.failed());
          }
        }
        assertThat(failures).as("fault at write #%d", n).hasSize(1);

        // A fresh store on the same file: its own connection, no cache.
        try (SqliteLogStore fresh = SqliteLogStore.open(file)) {
          model.assertHeldBy(fresh, DOCS);
        }
        // The store that saw the failure continues at the right seq: its cache was not touched.
        long next = model.nextSeq("alice");
        assertThat(store.append("alice", "after")).as("after %s", failures).isEqualTo(next);
        append("alice", "after").apply(model);
        model.assertHeldBy(store, DOCS);
      }
      try (SqliteLogStore fresh = SqliteLogStore.open(file)) {
        assertThat(fresh.append("bob", "reopened")).isEqualTo(model.nextSeq("bob"));
      }
    }
  }

  @Test
  void twoTablePairsInOneFileDoNotSeeEachOther() throws Exception {
    Path file = dir.resolve("shared.db");
    var tablesA = new SqliteLogStore.Tables("a_meta", "a_records");
    var tablesB = new SqliteLogStore.Tables("b_meta", "b_records");
    try (SqliteLogStore a = SqliteLogStore.open(file, tablesA);
        SqliteLogStore b = SqliteLogStore.open(file, tablesB)) {
      a.append("doc", "from a 1");
      a.append("doc", "from a 2");
      a.append("only-a", "x");
      b.append("doc", "from b 1");
      b.replace("doc", List.of("b replaced"));

      assertThat(LogStoreFixtures.data(a, "doc")).containsExactly("from a 1", "from a 2");
      assertThat(LogStoreFixtures.data(b, "doc")).containsExactly("b replaced");
      assertThat(a.listDocIds("")).containsExactly("doc", "only-a");
      assertThat(b.listDocIds("")).containsExactly("doc");
      assertThat(a.currentMeta("doc")).contains(new LogMeta("doc", 2, 2, 1));
      assertThat(b.currentMeta("doc")).contains(new LogMeta("doc", 1, 1, 2));

      a.delete("doc");
      assertThat(LogStoreFixtures.data(b, "doc")).containsExactly("b replaced");
      assertThat(b.append("doc", "b again")).isEqualTo(2);
      assertThat(a.currentMeta("doc")).isEmpty();
    }
    try (SqliteLogStore a = SqliteLogStore.open(file, tablesA);
        SqliteLogStore b = SqliteLogStore.open(file, tablesB)) {
      assertThat(a.listDocIds("")).containsExactly("only-a");
      assertThat(LogStoreFixtures.data(b, "doc")).containsExactly("b replaced", "b again");
    }
    assertThat(tableNames(file))
        .containsExactlyInAnyOrder("a_meta", "a_records", "b_meta", "b_records");
  }

  @Test
  void tablesAreWithoutRowidAndKeyedByDocAndSeq() throws Exception {
    Path file = dir.resolve("logs.db");
    SqliteLogStore.open(file).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      String meta = scalar(s, "SELECT sql FROM sqlite_master WHERE name = 'sqlgit_log_meta'");
      String records = scalar(s, "SELECT sql FROM sqlite_master WHERE name = 'sqlgit_log_records'");
      assertThat(meta)
          .contains("doc_id TEXT PRIMARY KEY", "count", "last_seq", "generation", "WITHOUT ROWID");
      assertThat(records)
          .contains("data TEXT NOT NULL", "PRIMARY KEY (doc_id, seq)", "WITHOUT ROWID");
      assertThat(scalar(s, "PRAGMA journal_mode")).isEqualTo("wal");
    }
  }

  @Test
  void connectionsUseTheSpecPragmasAndReadersCannotWrite() throws Exception {
    Path file = dir.resolve("logs.db");
    try (Connection writer = SqliteLogConnections.openWriter(file);
        Statement s = writer.createStatement()) {
      assertThat(scalar(s, "PRAGMA journal_mode")).isEqualTo("wal");
      assertThat(scalar(s, "PRAGMA synchronous")).isEqualTo("1"); // NORMAL
      assertThat(scalar(s, "PRAGMA busy_timeout")).isEqualTo("5000");
      assertThat(scalar(s, "PRAGMA foreign_keys")).isEqualTo("1");
      s.execute("CREATE TABLE t (x)");
    }
    try (Connection reader = SqliteLogConnections.openReader(file);
        Statement s = reader.createStatement()) {
      assertThat(scalar(s, "PRAGMA busy_timeout")).isEqualTo("5000");
      assertThatThrownBy(() -> s.execute("INSERT INTO t VALUES (1)"))
          .isInstanceOf(SQLException.class);
    }
  }

  @Test
  void tableNamesAreValidated() {
    assertThat(SqliteLogStore.Tables.DEFAULT)
        .isEqualTo(new SqliteLogStore.Tables("sqlgit_log_meta", "sqlgit_log_records"));
    for (String bad :
        List.of(
            "",
            "1abc",
            "a-b",
            "a b",
            "x\"; DROP TABLE y; --",
            "sqlite_meta",
            "SQLITE_x",
            "é",
            "a".repeat(65))) {
      assertThatThrownBy(() -> new SqliteLogStore.Tables(bad, "records"))
          .as("meta %s", bad)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new SqliteLogStore.Tables("meta", bad))
          .as("records %s", bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> new SqliteLogStore.Tables("logs", "LOGS"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SqliteLogStore.Tables(null, "r"))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void tableNamesThatAreKeywordsWork() {
    try (SqliteLogStore store =
        SqliteLogStore.open(dir.resolve("logs.db"), new SqliteLogStore.Tables("order", "group"))) {
      assertThat(store.append("select", "x")).isEqualTo(1);
      assertThat(LogStoreFixtures.data(store, "select")).containsExactly("x");
      assertThat(store.listDocIds("sel")).containsExactly("select");
    }
  }

  @Test
  void openingOverATableWithOtherColumnsFailsAtOpen() throws Exception {
    Path file = dir.resolve("logs.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE sqlgit_log_meta (something_else TEXT)");
    }
    assertThatThrownBy(() -> SqliteLogStore.open(file))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("sqlgit_log_meta");
  }

  @Test
  void prefixesMatchCharactersNotBytesAndKeepCaseBeyondAscii() {
    try (SqliteLogStore store = SqliteLogStore.open(dir.resolve("logs.db"))) {
      for (String id : List.of("émile", "Émile", "ÉMILE-2", "😀a", "😀b", "e")) {
        store.append(id, "x");
      }
      assertThat(store.listDocIds("É")).containsExactly("ÉMILE-2", "Émile");
      assertThat(store.listDocIds("é")).containsExactly("émile");
      assertThat(store.listDocIds("😀")).containsExactly("😀a", "😀b");
      assertThat(store.listDocIds("😀b")).containsExactly("😀b");
      assertThat(store.listDocIds("E")).isEmpty();
    }
  }

  @Test
  void likePrefixEscapesWildcardsAndTheEscapeCharacter() {
    assertThat(SqliteLogStore.likePrefix("")).isEqualTo("%");
    assertThat(SqliteLogStore.likePrefix("100%_a\\b")).isEqualTo("100\\%\\_a\\\\b%");
  }

  @Test
  void streamsReleaseTheirSnapshotWhenClosedAndWhenTheStoreCloses() throws Exception {
    Path file = dir.resolve("logs.db");
    SqliteLogStore store = SqliteLogStore.open(file);
    for (int i = 1; i <= 100; i++) {
      store.append("alice", "r" + i);
    }
    Stream<LogRecord> closedEarly = store.loadAll("alice");
    assertThat(closedEarly.iterator().next().seq()).isEqualTo(1);
    closedEarly.close();
    assertThat(checkpointBusy(file)).as("readers holding a snapshot after stream close").isZero();

    Stream<LogRecord> leftOpen = store.loadAll("alice");
    assertThat(leftOpen.iterator().next().seq()).isEqualTo(1);
    store.append("alice", "r101"); // something for the checkpoint to wait on
    store.close();
    assertThat(checkpointBusy(file)).as("readers holding a snapshot after store close").isZero();
    leftOpen.close();
  }

  @Test
  void aSecondStoreOnTheFileSeesCommittedAppends() {
    Path file = dir.resolve("logs.db");
    try (SqliteLogStore writer = SqliteLogStore.open(file);
        SqliteLogStore reader = SqliteLogStore.open(file)) {
      writer.append("alice", "a1");
      assertThat(reader.currentMeta("alice")).contains(new LogMeta("alice", 1, 1, 1));
      writer.append("alice", "a2");
      assertThat(LogStoreFixtures.data(reader, "alice")).containsExactly("a1", "a2");
      assertThat(reader.listDocIds("")).containsExactly("alice");
    }
  }

  /** Runs the scenario once without faults and returns how many write statements it made. */
  private int countWrites() {
    FailingWrites counter = new FailingWrites();
    LogModel model = new LogModel();
    try (SqliteLogStore store =
        SqliteLogStore.open(dir.resolve("count.db"), SqliteLogStore.Tables.DEFAULT, counter)) {
      counter.arm(0);
      for (LogModel.Op op : SCENARIO) {
        op.apply(store);
        op.apply(model);
      }
      model.assertHeldBy(store, DOCS);
      return counter.seen();
    }
  }

  /** Runs a TRUNCATE checkpoint from a new connection; non-zero when a reader blocked it. */
  private static int checkpointBusy(Path file) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
      if (!rows.next()) {
        fail("no checkpoint result");
      }
      return rows.getInt(1);
    }
  }

  private static List<String> tableNames(Path file) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
      List<String> names = new ArrayList<>();
      while (rows.next()) {
        names.add(rows.getString(1));
      }
      return names.stream().sorted().collect(Collectors.toList());
    }
  }

  private static String scalar(Statement s, String sql) throws SQLException {
    try (ResultSet rows = s.executeQuery(sql)) {
      return rows.next() ? rows.getString(1) : null;
    }
  }
}
