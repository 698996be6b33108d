package dev.sqlgit.bench;

import dev.sqlgit.ActionRegistry;
import dev.sqlgit.Peer;
import dev.sqlgit.PeerOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Submits per second from 8 threads on one peer: group commit (concurrent submits share one
 * transaction and one fsync of the log) against one fsync per submit, and against raw sqlite-jdbc
 * inserts of the same rows (same pragmas as the Store seam, one transaction per batch).
 */
final class SubmitBench {
  private static final int THREADS = 8;
  private static final int PER_THREAD = 500;
  private static final int TOTAL = THREADS * PER_THREAD;

  private SubmitBench() {}

  record Row(String id, String body) {}

  static void run(PrintStream out) {
    ResultTable table = new ResultTable("submits per second, " + THREADS + " threads (median of 3 rounds of " + TOTAL + ")",
        "case", "submits/s", "vs raw");
    double raw = median(SubmitBench::raw);
    double group = median(dir -> submits(dir, true));
    double single = median(dir -> submits(dir, false));
    table.row("raw sqlite-jdbc inserts, one transaction per 256", (long) raw, 1.0);
    table.row("Peer.submit, group commit", (long) group, group / raw);
    table.row("Peer.submit, one fsync per submit", (long) single, single / raw);
    table.print(out);
  }

  /** Median submits/s over 3 rounds, each in a fresh cluster folder. */
  private static double median(Samples.InFolder run) {
    return TOTAL / (Samples.inFreshFolders(3, run).medianMillis() / 1000.0);
  }

  private static void submits(Path dir, boolean group) throws Exception {
    ActionRegistry actions = ActionRegistry.builder()
        .action("init", (db, p) -> db.exec("CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT NOT NULL)"))
        .action("add", Row.class, (db, r) -> db.exec("INSERT INTO notes VALUES (?, ?)", r.id(), r.body()))
        .build();
    try (Peer master = open(dir, "m", actions, group)) {
      master.submit("init", null);
    }
    try (Peer peer = open(dir, "p", actions, group)) {
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < PER_THREAD; i++) {
            peer.submit("add", new Row(thread + "-" + i, "note body " + i));
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
    }
  }

  private static void raw(Path dir) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("raw.db"))) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA synchronous = NORMAL");
        s.execute("PRAGMA busy_timeout = 5000");
        s.execute("PRAGMA foreign_keys = ON");
        s.execute("CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT NOT NULL)");
      }
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO notes VALUES (?, ?)")) {
        for (int i = 0; i < TOTAL; i++) {
          ps.setString(1, "r" + i);
          ps.setString(2, "note body " + i);
          ps.executeUpdate();
          if ((i + 1) % 256 == 0) {
            c.commit();
          }
        }
      }
      c.commit();
    }
  }

  private static Peer open(Path root, String id, ActionRegistry actions, boolean group) {
    return Peer.open(PeerOptions.builder().root(root).peerId(id).masterId("m").actions(actions).groupCommit(group).build());
  }
}
