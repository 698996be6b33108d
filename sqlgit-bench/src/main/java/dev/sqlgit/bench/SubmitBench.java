package dev.sqlgit.bench;

import dev.sqlgit.ActionRegistry;
import dev.sqlgit.Peer;
import dev.sqlgit.PeerOptions;
import dev.sqlgit.PeerProbe;
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
 * Submits per second from concurrent threads on one peer (8, or {@code -Dsqlgit.bench.submit.threads}):
 * group commit (concurrent submits share one transaction and one fsync of the log), with the state
 * in memory and in a state folder, against one fsync per submit, and against raw sqlite-jdbc
 * inserts of the same rows from one thread (same pragmas as the state file): one transaction per
 * 256 rows, and one transaction per batch of the size group commit actually reached (its mean
 * batch, measured on the peer), without and with an fsync per commit (what a durable submit pays).
 */
final class SubmitBench {
  private static final int THREADS = Integer.getInteger("sqlgit.bench.submit.threads", 8);
  private static final int TOTAL = 4000;
  private static final int PER_THREAD = TOTAL / THREADS;

  private SubmitBench() {}

  record Row(String id, String body) {}

  static void run(PrintStream out) {
    ResultTable table = new ResultTable("submits per second, " + THREADS + " threads (median of 3 rounds of " + TOTAL + ")",
        "case", "submits/s", "vs raw, 256 per tx", "vs raw, mean batch per tx");
    // Raw rounds are short (tens of ms): warm the JIT first, or the baseline runs cold and low.
    Samples.inFreshFolders(5, dir -> raw(dir, 256, "NORMAL"));
    double raw = median(dir -> raw(dir, 256, "NORMAL"));
    // The same for submits: measured after a single warm-up round, the compiler threads still took
    // about half of the 2 cores during the group-commit rounds (perf), starving the writer.
    Samples.inFreshFolders(4, dir -> submits(dir, true, false));
    List<Double> batches = new ArrayList<>();
    double group = median(dir -> batches.add(submits(dir, true, false)));
    double batch = // the measured rounds', not the warm-up's
        batches.subList(1, batches.size()).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double rawBatch = median(dir -> raw(dir, batch, "NORMAL"));
    double rawDurable = median(dir -> raw(dir, batch, "FULL"));
    double groupFile = median(dir -> submits(dir, true, true));
    double single = median(dir -> submits(dir, false, false));
    table.row("raw sqlite-jdbc inserts, one transaction per 256", (long) raw, 1.0, raw / rawBatch);
    table.row(String.format("raw sqlite-jdbc inserts, one transaction per %.2f (the mean batch)", batch),
        (long) rawBatch, rawBatch / raw, 1.0);
    table.row("the same, synchronous = FULL (each commit durable, like a submit)", (long) rawDurable,
        rawDurable / raw, rawDurable / rawBatch);
    table.row("Peer.submit, group commit, state in memory", (long) group, group / raw, group / rawBatch);
    table.row("Peer.submit, group commit, state folder", (long) groupFile, groupFile / raw, groupFile / rawBatch);
    table.row("Peer.submit, one fsync per submit, state in memory", (long) single, single / raw, single / rawBatch);
    table.print(out);
    out.printf("%ngroup commit's mean batch: %.2f submits (measured rounds)%n", batch);
  }

  /** Median submits/s over 3 rounds, each in a fresh cluster folder. */
  private static double median(Samples.InFolder run) {
    return TOTAL / (Samples.inFreshFolders(3, run).medianMillis() / 1000.0);
  }

  /** Runs the submits and returns the peer's mean batch size. */
  private static double submits(Path dir, boolean group, boolean stateFolder) throws Exception {
    ActionRegistry actions = ActionRegistry.builder()
        .action("init", (db, p) -> db.exec("CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT NOT NULL)"))
        .action("add", Row.class, (db, r) -> db.exec("INSERT INTO notes VALUES (?, ?)", r.id(), r.body()))
        .build();
    try (Peer master = open(dir, "m", actions, group, null)) {
      master.submit("init", null);
    }
    try (Peer peer = open(dir, "p", actions, group, stateFolder ? dir.resolve("state-p") : null)) {
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
      return PeerProbe.meanBatchSize(peer);
    }
  }

  /** Inserts the rows from one thread, committing every {@code perTransaction} rows on average. */
  private static void raw(Path dir, double perTransaction, String synchronous) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("raw.db"))) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA synchronous = " + synchronous);
        s.execute("PRAGMA busy_timeout = 5000");
        s.execute("PRAGMA foreign_keys = ON");
        s.execute("CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT NOT NULL)");
      }
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO notes VALUES (?, ?)")) {
        long commits = 0;
        for (int i = 0; i < TOTAL; i++) {
          ps.setString(1, "r" + i);
          ps.setString(2, "note body " + i);
          ps.executeUpdate();
          if ((long) ((i + 1) / perTransaction) > commits) { // batches of the mean size on average
            c.commit();
            commits++;
          }
        }
      }
      c.commit();
    }
  }

  private static Peer open(Path root, String id, ActionRegistry actions, boolean group, Path stateDir) {
    return Peer.open(PeerOptions.builder().root(root).peerId(id).masterId("m").actions(actions).groupCommit(group)
        .stateDir(stateDir).build());
  }
}
