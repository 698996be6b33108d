package dev.sqlgit.bench;

import dev.sqlgit.storage.SqliteStore;
import dev.sqlgit.storage.StoreOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The Store seam's write paths: inserts per second through {@code SqliteStore.exec} and through
 * small {@code tx} bodies (what an action submit does), one commit per write versus the write
 * queue (group commit), against raw sqlite-jdbc inserts with the same pragmas and one transaction
 * per batch. Each figure is the median of several rounds.
 */
final class StorageBench {
  private static final int WRITES = 5_000;
  private static final int BATCH = 256;
  private static final int ROUNDS = 5;

  private StorageBench() {}

  static void run(PrintStream out) {
    ResultTable table = new ResultTable("storage: writes per second (median of " + ROUNDS + " rounds of " + WRITES + ")",
        "case", "writes/s", "vs raw");
    double raw = perSecond(StorageBench::rawBatched);
    double execQueue = perSecond(file -> storeExec(file, true));
    double execEach = perSecond(file -> storeExec(file, false));
    double txQueue = perSecond(file -> storeTx(file, true));
    double txEach = perSecond(file -> storeTx(file, false));
    table.row("raw sqlite-jdbc, one transaction per " + BATCH, (long) raw, 1.0);
    table.row("SqliteStore.exec, write queue (" + BATCH + ", 2 ms)", (long) execQueue, execQueue / raw);
    table.row("SqliteStore.exec, one commit each", (long) execEach, execEach / raw);
    table.row("SqliteStore.tx (2 statements), write queue", (long) txQueue, txQueue / raw);
    table.row("SqliteStore.tx (2 statements), one commit each", (long) txEach, txEach / raw);
    table.print(out);
  }

  interface Workload {
    void run(Path file) throws Exception;
  }

  /** Median writes/s over {@link #ROUNDS} fresh files. */
  private static double perSecond(Workload w) {
    Samples s = Samples.inFreshFolders(ROUNDS, dir -> w.run(dir.resolve("bench.db")));
    return WRITES / (s.medianMillis() / 1000.0);
  }

  private static void storeExec(Path file, boolean queue) {
    try (SqliteStore store = SqliteStore.open(file, options(queue))) {
      store.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
      for (int i = 0; i < WRITES; i++) {
        store.exec("INSERT INTO t(v) VALUES (?)", "value-" + i);
      }
      store.flush();
    }
  }

  private static void storeTx(Path file, boolean queue) {
    try (SqliteStore store = SqliteStore.open(file, options(queue))) {
      store.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
      store.exec("CREATE TABLE n(k INTEGER PRIMARY KEY, c INTEGER NOT NULL)");
      store.exec("INSERT INTO n VALUES (1, 0)");
      for (int i = 0; i < WRITES; i++) {
        int value = i;
        store.tx(() -> {
          store.exec("INSERT INTO t(v) VALUES (?)", "value-" + value);
          store.exec("UPDATE n SET c = c + 1 WHERE k = 1");
        });
      }
      store.flush();
    }
  }

  private static StoreOptions options(boolean queue) {
    return queue
        ? StoreOptions.builder().writeQueue(BATCH, Duration.ofMillis(2)).build()
        : StoreOptions.defaults();
  }

  private static void rawBatched(Path file) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA synchronous = NORMAL");
        s.execute("PRAGMA busy_timeout = 5000");
        s.execute("PRAGMA foreign_keys = ON");
        s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
      }
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO t(v) VALUES (?)")) {
        for (int i = 0; i < WRITES; i++) {
          ps.setString(1, "value-" + i);
          ps.executeUpdate();
          if ((i + 1) % BATCH == 0) {
            c.commit();
          }
        }
      }
      c.commit();
    }
  }
}
