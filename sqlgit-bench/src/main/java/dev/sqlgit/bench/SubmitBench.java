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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Submits per second from concurrent threads on one peer (8 and 64, or the comma-separated {@code
 * -Dsqlgit.bench.submit.threads}): group commit (concurrent submits share one transaction and one
 * fsync of the log), with the state in memory and in a state folder, against one fsync per
 * submit, and against raw sqlite-jdbc inserts of the same rows from one thread with the state
 * file's pragmas (WAL, {@code synchronous = NORMAL}) and one transaction per batch of the size
 * group commit reached (its mean batch, measured on the peer). Raw inserts with a transaction of
 * 256 and with {@code synchronous = FULL} (each commit durable, as a submit is) are shown too.
 */
final class SubmitBench {
  private static final List<Integer> THREADS =
      Arrays.stream(System.getProperty("sqlgit.bench.submit.threads", "8,64").split(","))
          .map(String::trim).map(Integer::valueOf).toList();
  private static final int TOTAL = 20_000;
  /** One fsync per submit is slow and needs no JIT warm-up: fewer of them. */
  private static final int TOTAL_SINGLE = 2_000;
  /**
   * Warm-up rounds before group commit is measured: after fewer, the compiler threads still take
   * a good part of the 2 cores (perf) and the figures keep rising from round to round.
   */
  private static final int WARMUP_ROUNDS = 10;
  private static final int ROUNDS = 5;
  /** A raw round lasts about 0.1 s, and one hiccup of the machine moves it by a third: more of them. */
  private static final int RAW_ROUNDS = 15;

  private SubmitBench() {}

  record Row(String id, String body) {}

  static void run(PrintStream out) {
    // Raw rounds are short (tens of ms): warm the JIT first, or the baseline runs cold and low.
    Samples.inFreshFolders(WARMUP_ROUNDS, dir -> raw(dir, 256, "NORMAL"));
    for (int threads : THREADS) {
      runWith(threads, out);
    }
    writerCost(out);
  }

  /** Batches of this size in the writer-cost table: about what 64 threads reach. */
  private static final int WRITER_BATCH = 60;
  private static final int WRITER_SUBMITS = TOTAL / WRITER_BATCH * WRITER_BATCH;

  /**
   * CPU time per submit of the writer alone: batches written one after the other from one thread,
   * JSON of the params included (submitters do that part in their own threads).
   */
  private static void writerCost(PrintStream out) {
    ResultTable table = new ResultTable(
        "writer CPU per submit, one thread, batches of " + WRITER_BATCH + " (median of " + ROUNDS + " rounds of " + WRITER_SUBMITS + ")",
        "state", "µs CPU per submit", "µs per submit");
    for (boolean stateFolder : new boolean[] {false, true}) {
      List<Long> cpu = new ArrayList<>();
      Samples.inFreshFolders(WARMUP_ROUNDS, dir -> batches(dir, stateFolder));
      double wall = Samples.inFreshFolders(ROUNDS, dir -> cpu.add(batches(dir, stateFolder))).medianMillis();
      List<Long> measured = new ArrayList<>(cpu.subList(1, cpu.size())); // the first is inFreshFolders' warm-up
      measured.sort(null);
      table.row(stateFolder ? "state folder" : "in memory",
          String.format("%.2f", measured.get(measured.size() / 2) / 1e3 / WRITER_SUBMITS),
          String.format("%.2f", wall * 1e3 / WRITER_SUBMITS));
    }
    table.print(out);
  }

  /** Writes {@link #WRITER_SUBMITS} submits in batches from this thread; returns the thread's CPU nanos. */
  private static long batches(Path dir, boolean stateFolder) throws Exception {
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    ActionRegistry actions = actions();
    try (Peer master = open(dir, "m", actions, true, null)) {
      master.submit("init", null);
    }
    try (Peer peer = open(dir, "p", actions, true, stateFolder ? dir.resolve("state-p") : null)) {
      long start = threads.getCurrentThreadCpuTime();
      for (int b = 0; b < WRITER_SUBMITS / WRITER_BATCH; b++) {
        List<Row> batch = new ArrayList<>();
        for (int i = 0; i < WRITER_BATCH; i++) {
          int n = b * WRITER_BATCH + i;
          batch.add(new Row("r" + n, "note body " + n)); // the rows raw() inserts
        }
        PeerProbe.submitBatch(peer, "add", batch);
      }
      return threads.getCurrentThreadCpuTime() - start;
    }
  }

  private static void runWith(int threads, PrintStream out) {
    ResultTable table = new ResultTable(
        "submits per second, " + threads + " threads (median of " + ROUNDS + " rounds of " + TOTAL + ")",
        "case", "submits/s", "vs raw, same batch per tx", "vs raw, 256 per tx");
    double raw256 = rawPerSecond(dir -> raw(dir, 256, "NORMAL"));
    Samples.inFreshFolders(WARMUP_ROUNDS, dir -> submits(dir, threads, TOTAL, true, false));
    List<Double> batches = new ArrayList<>();
    double group = perSecond(TOTAL, dir -> batches.add(submits(dir, threads, TOTAL, true, false)));
    double batch = // the measured rounds', not the warm-up's
        batches.subList(1, batches.size()).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double raw = rawPerSecond(dir -> raw(dir, batch, "NORMAL"));
    double rawDurable = rawPerSecond(dir -> raw(dir, batch, "FULL"));
    double groupFile = perSecond(TOTAL, dir -> submits(dir, threads, TOTAL, true, true));
    double single = perSecond(TOTAL_SINGLE, dir -> submits(dir, threads, TOTAL_SINGLE, false, false));
    table.row(String.format("raw sqlite-jdbc inserts, one transaction per %.2f (group commit's mean batch)", batch),
        (long) raw, 1.0, raw / raw256);
    table.row("the same, synchronous = FULL (each commit durable, as a submit is)", (long) rawDurable,
        rawDurable / raw, rawDurable / raw256);
    table.row("raw sqlite-jdbc inserts, one transaction per 256", (long) raw256, raw256 / raw, 1.0);
    table.row("**Peer.submit, group commit, state in memory**", (long) group, group / raw, group / raw256);
    table.row("**Peer.submit, group commit, state folder**", (long) groupFile, groupFile / raw, groupFile / raw256);
    table.row("Peer.submit, one fsync per submit, state in memory", (long) single, single / raw, single / raw256);
    table.print(out);
    out.printf("%ngroup commit's mean batch: %.2f submits (measured rounds)%n", batch);
  }

  /** Median per second over {@link #ROUNDS} rounds of {@code total}, each in a fresh cluster folder. */
  private static double perSecond(int total, Samples.InFolder run) {
    return total / (Samples.inFreshFolders(ROUNDS, run).medianMillis() / 1000.0);
  }

  /** Runs {@code total} submits from {@code threads} threads and returns the peer's mean batch size. */
  private static double submits(Path dir, int threads, int total, boolean group, boolean stateFolder) throws Exception {
    ActionRegistry actions = actions();
    try (Peer master = open(dir, "m", actions, group, null)) {
      master.submit("init", null);
    }
    try (Peer peer = open(dir, "p", actions, group, stateFolder ? dir.resolve("state-p") : null)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      // The rows raw() inserts, numbered as the threads take them: keys arrive about in order, as
      // raw's do (keys interleaved by thread would dirty a page per row, in both).
      AtomicInteger next = new AtomicInteger();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
            peer.submit("add", new Row("r" + i, "note body " + i));
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

  /** Median rows per second of raw inserts over {@link #RAW_ROUNDS} rounds. */
  private static double rawPerSecond(Samples.InFolder run) {
    return TOTAL / (Samples.inFreshFolders(RAW_ROUNDS, run).medianMillis() / 1000.0);
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

  private static ActionRegistry actions() {
    return ActionRegistry.builder()
        .action("init", (db, p) -> db.exec("CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT NOT NULL)"))
        .action("add", Row.class, (db, r) -> db.exec("INSERT INTO notes VALUES (?, ?)", r.id(), r.body()))
        .build();
  }

  private static Peer open(Path root, String id, ActionRegistry actions, boolean group, Path stateDir) {
    return Peer.open(PeerOptions.builder().root(root).peerId(id).masterId("m").actions(actions).groupCommit(group)
        .stateDir(stateDir).build());
  }
}
