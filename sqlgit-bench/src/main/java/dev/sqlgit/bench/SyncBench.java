package dev.sqlgit.bench;

import dev.sqlgit.ActionRegistry;
import dev.sqlgit.Peer;
import dev.sqlgit.PeerOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Submit and sync costs of the current engine on a small bank schema (one master, one peer in one
 * shared folder): a baseline that the incremental engine will be measured against.
 */
final class SyncBench {
  private SyncBench() {}

  record Move(String tx, String account, long amount) {}

  static ActionRegistry actions() {
    return ActionRegistry.builder()
        .action("init", (db, p) -> db.execScript(
            "CREATE TABLE accounts(id TEXT PRIMARY KEY, balance INTEGER NOT NULL DEFAULT 0);"
                + "CREATE TABLE transactions(id TEXT PRIMARY KEY, account TEXT NOT NULL, amount INTEGER NOT NULL);"
                + "CREATE TRIGGER tx_in AFTER INSERT ON transactions BEGIN"
                + " UPDATE accounts SET balance = balance + NEW.amount WHERE id = NEW.account; END;"
                + "INSERT INTO accounts(id) VALUES ('a'), ('b'), ('c');"))
        .action("deposit", Move.class, (db, m) ->
            db.exec("INSERT INTO transactions VALUES (?, ?, ?)", m.tx(), m.account(), m.amount()))
        // {rows: n} inserts bulk1..bulkn; {from: k, rows: n} inserts bulk(k+1)..bulk(k+n).
        .action("load_rows", (db, p) -> db.exec(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
                + " INSERT INTO transactions SELECT 'bulk' || (? + i), 'c', 1 FROM n",
            p.get("rows").asLong(), p.path("from").asLong(0)))
        .build();
  }

  static void run(PrintStream out) {
    ResultTable table = new ResultTable("sync: in-place engine vs reference path (same run)",
        "case", "history", "engine", "median ms", "p90 ms");
    for (int history : new int[] {100, 1000}) {
      for (String engine : new String[] {"in-place", "reference"}) {
        System.setProperty("sqlgit.engine", engine.equals("reference") ? "reference" : "fast");
        measure(table, history, engine);
      }
    }
    table.print(out);
    ResultTable grown = new ResultTable(
        "sync: long unsquashed history and a big database (a silent peer holds the squash)",
        "history entries", "rows", "engine", "peer sync ms", "master sync ms");
    for (int[] size : new int[][] {{1_000, 10_000}, {5_000, 100_000}}) {
      for (String engine : new String[] {"in-place", "reference"}) {
        System.setProperty("sqlgit.engine", engine.equals("reference") ? "reference" : "fast");
        double[] medians = grown(size[0], size[1]);
        grown.row(size[0], size[1], engine, medians[0], medians[1]);
      }
    }
    System.clearProperty("sqlgit.engine");
    grown.print(out);
  }

  /**
   * Medians of a peer sync (10 pending over 10 new master actions) and of a master sync
   * incorporating 10 peer actions whose base is 10 entries behind, after {@code history}
   * unsquashed entries over {@code rows} rows.
   */
  private static double[] grown(int history, int rows) {
    Path dir = tempDir();
    ActionRegistry actions = actions();
    try (Peer master = open(dir, "m", actions)) {
      master.submit("init", null);
      master.submit("load_rows", java.util.Map.of("rows", rows));
      for (int i = 0; i < history; i++) {
        master.submit("deposit", new Move("h" + i, i % 2 == 0 ? "a" : "b", 1));
      }
      open(dir, "silent", actions).close(); // has a log, never acks: the master keeps every entry
      try (Peer peer = open(dir, "p", actions)) {
        int[] n = {0};
        Samples sync = peerSyncs(master, peer, 7, n);
        Samples incorporate = new Samples();
        for (int round = 0; round < 7; round++) {
          for (int i = 0; i < 10; i++) {
            peer.submit("deposit", new Move("r" + n[0]++, "a", 1)); // based on the head it has
            master.submit("deposit", new Move("m" + n[0]++, "b", 1)); // 10 entries the peer lacks
          }
          long t0 = System.nanoTime();
          master.sync();
          if (round >= 2) {
            incorporate.add(System.nanoTime() - t0);
          }
          peer.sync();
        }
        return new double[] {sync.medianMillis(), incorporate.medianMillis()};
      }
    }
  }

  private static void measure(ResultTable table, int history, String engine) {
    Path dir = tempDir();
    ActionRegistry actions = actions();
    try (Peer master = open(dir, "m", actions)) {
      master.submit("init", null);
      for (int i = 0; i < history; i++) {
        master.submit("deposit", new Move("h" + i, i % 2 == 0 ? "a" : "b", 1));
      }
      try (Peer peer = open(dir, "p", actions)) {
        int[] n = {0};
        if (engine.equals("in-place")) {
          Samples submit = Samples.measure(20, 200, () -> peer.submit("deposit", new Move("s" + n[0]++, "a", 1)));
          table.row("peer submit (fsync)", history, engine, submit.medianMillis(), submit.p90Millis());
          peer.sync();
          master.sync();
        }
        Samples sync = peerSyncs(master, peer, 12, n);
        table.row("peer sync, 10 pending over 10 new master actions", history, engine, sync.medianMillis(), sync.p90Millis());
      }
    }
  }

  /**
   * Times {@code rounds} peer syncs (the first two warm up), each rebasing 10 pending actions over
   * 10 new master actions; after each, the master incorporates them so the next round starts clean.
   */
  private static Samples peerSyncs(Peer master, Peer peer, int rounds, int[] n) {
    Samples sync = new Samples();
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < 10; i++) {
        master.submit("deposit", new Move("m" + n[0]++, "b", 1));
        peer.submit("deposit", new Move("q" + n[0]++, "a", 1));
      }
      long t0 = System.nanoTime();
      peer.sync();
      if (round >= 2) {
        sync.add(System.nanoTime() - t0);
      }
      master.sync();
      peer.sync();
    }
    return sync;
  }

  static Peer open(Path root, String id, ActionRegistry actions) {
    return Peer.open(PeerOptions.builder().root(root).peerId(id).masterId("m").actions(actions).build());
  }

  static Path tempDir() {
    try {
      return Files.createTempDirectory("sqlgit-bench");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
