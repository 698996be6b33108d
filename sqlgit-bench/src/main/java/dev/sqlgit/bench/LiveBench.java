package dev.sqlgit.bench;

import dev.sqlgit.ActionRegistry;
import dev.sqlgit.LiveQuery;
import dev.sqlgit.Peer;
import dev.sqlgit.PeerOptions;
import dev.sqlgit.Row;
import dev.sqlgit.internal.live.RegisteredQuery;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Live queries on a master (submits fsync): how long after a submit returns the affected listener
 * is called, how many of 100 live queries re-run after a one-table write, and what 100 live queries
 * cost the writer. Machines are noisy: compare rows of one run, not across runs. Run counts come from {@link RegisteredQuery#runCount()} (an engine internal).
 */
final class LiveBench {
  private LiveBench() {}

  private static final int TABLES = 10;

  record Set1(String table, long id, long v) {}

  static ActionRegistry actions() {
    return ActionRegistry.builder()
        .action("init", (db, p) -> {
          db.execScript("CREATE TABLE other(id INTEGER PRIMARY KEY, v INTEGER NOT NULL);"
              + "INSERT INTO other VALUES (1, 0);"
              + "CREATE TABLE items(id INTEGER PRIMARY KEY, v INTEGER NOT NULL);"
              + "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
              + " INSERT INTO items SELECT i, 0 FROM n;");
          for (int t = 0; t < TABLES; t++) {
            db.execScript("CREATE TABLE t" + t + "(id INTEGER PRIMARY KEY, v INTEGER NOT NULL);"
                + "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)"
                + " INSERT INTO t" + t + " SELECT i, i FROM n;");
          }
        })
        .action("set", Set1.class, (db, s) -> {
          if (!s.table().matches("items|other|t[0-9]")) {
            throw new IllegalArgumentException("no table " + s.table());
          }
          db.exec("UPDATE " + s.table() + " SET v = ? WHERE id = ?", s.v(), s.id());
        })
        .build();
  }

  static void run(PrintStream out) {
    ResultTable table = new ResultTable("live queries (master, submits fsync)", "case", "result");
    Path dir = SyncBench.tempDir();
    try (Peer peer = Peer.open(PeerOptions.builder().root(dir).peerId("m").masterId("m").actions(actions()).build())) {
      peer.submit("init", null);
      latency(peer, table);
      fanOut(peer, table);
      throughput(peer, table);
    }
    table.print(out);
  }

  /** Submit's return → the listener's call, for a 1k-row query whose result changes each time. */
  private static void latency(Peer peer, ResultTable table) {
    Samples query = Samples.measure(20, 100, () -> peer.db().query("SELECT id, v FROM items ORDER BY id"));
    BlockingQueue<Long> called = new LinkedBlockingQueue<>();
    Samples fromReturn = new Samples();
    Samples fromCall = new Samples();
    try (LiveQuery<List<Row>> items = peer.live("SELECT id, v FROM items ORDER BY id")) {
      items.subscribe(rows -> called.add(System.nanoTime()));
      take(called);
      for (int i = 0; i < 220; i++) {
        long t0 = System.nanoTime();
        peer.submit("set", new Set1("items", 1 + i % 1000, i + 1));
        long t1 = System.nanoTime();
        long t2 = take(called);
        if (i >= 20) {
          fromReturn.add(Math.max(0, t2 - t1));
          fromCall.add(t2 - t0);
        }
      }
    }
    table.row("the 1k-row query itself (peer.db().query), median ms", query.medianMillis());
    table.row("submit returned → listener called, 1k rows, median ms (p90)",
        String.format("%.3f (%.3f)", fromReturn.medianMillis(), fromReturn.p90Millis()));
    table.row("submit called → listener called, median ms", fromCall.medianMillis());
  }

  /** 100 queries, 10 per table; one write per table; which queries ran again. */
  private static void fanOut(Peer peer, ResultTable table) {
    List<LiveQuery<List<Row>>> queries = openHundred(peer);
    try {
      int minRerun = Integer.MAX_VALUE;
      int maxRerun = 0;
      boolean exact = true;
      for (int t = 0; t < TABLES; t++) {
        long[] before = runCounts(queries);
        peer.submit("set", new Set1("t" + t, 1, 1000 + t));
        queries.forEach(LiveQuery::current); // the dirty ones re-run now (if the live thread has not)
        long[] after = runCounts(queries);
        Set<Integer> rerun = new TreeSet<>();
        for (int q = 0; q < queries.size(); q++) {
          if (after[q] != before[q]) {
            rerun.add(q);
          }
          if (after[q] - before[q] > 1) {
            exact = false; // one write, one re-run at most
          }
        }
        Set<Integer> expected = new TreeSet<>();
        for (int q = 0; q < queries.size(); q++) {
          if (queries.get(q).dependencies().equals(Set.of("t" + t))) {
            expected.add(q);
          }
        }
        exact &= rerun.equals(expected);
        minRerun = Math.min(minRerun, rerun.size());
        maxRerun = Math.max(maxRerun, rerun.size());
      }
      table.row("live queries re-run after a write to 1 of 10 tables (100 queries, 10 per table)",
          (minRerun == maxRerun ? minRerun : minRerun + "–" + maxRerun) + " of 100"
              + (exact ? ", exactly those reading the table" : ", NOT EXACT"));
    } finally {
      queries.forEach(LiveQuery::close);
    }
  }

  /**
   * Submits per second with no live query, then with 100 subscribed ones: writing a table none of
   * them reads (the registry's own cost), and writing t0..t9 in turn (10 re-runs per write, on the
   * live thread, sharing the state's one connection and the machine's cores with the writer).
   */
  private static void throughput(Peer peer, ResultTable table) {
    int[] n = {0};
    Runnable spread = () -> peer.submit("set", new Set1("t" + n[0] % TABLES, 1 + n[0] % 100, n[0]++));
    Runnable elsewhere = () -> peer.submit("set", new Set1("other", 1, n[0]++));
    List<Double> none = new ArrayList<>();
    List<Double> unaffected = new ArrayList<>();
    List<Double> affected = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      none.add(rate(spread));
      List<LiveQuery<List<Row>>> queries = openHundred(peer);
      queries.forEach(q -> q.subscribe(rows -> {}));
      unaffected.add(rate(elsewhere));
      affected.add(rate(spread));
      queries.forEach(LiveQuery::close);
    }
    double base = median(none);
    table.row("submits/s, 0 live queries (median of 5 × 300)", String.format("%.0f", base));
    table.row("submits/s, 100 live queries, none reads the written table",
        String.format("%.0f (%.0f%%)", median(unaffected), 100 * median(unaffected) / base));
    table.row("submits/s, 100 live queries, 10 read the written table",
        String.format("%.0f (%.0f%%)", median(affected), 100 * median(affected) / base));
  }

  private static double rate(Runnable submit) {
    for (int i = 0; i < 30; i++) {
      submit.run();
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < 300; i++) {
      submit.run();
    }
    return 300 / ((System.nanoTime() - t0) / 1e9);
  }

  private static List<LiveQuery<List<Row>>> openHundred(Peer peer) {
    List<LiveQuery<List<Row>>> queries = new ArrayList<>();
    for (int t = 0; t < TABLES; t++) {
      for (int k = 0; k < 10; k++) {
        queries.add(peer.live("SELECT id, v FROM t" + t + " WHERE v > ? ORDER BY id", k * 10));
      }
    }
    return queries;
  }

  private static long[] runCounts(List<LiveQuery<List<Row>>> queries) {
    long[] out = new long[queries.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((RegisteredQuery<?, ?>) queries.get(i)).runCount();
    }
    return out;
  }

  private static double median(List<Double> xs) {
    List<Double> sorted = new ArrayList<>(xs);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  private static long take(BlockingQueue<Long> q) {
    try {
      Long v = q.poll(10, TimeUnit.SECONDS);
      if (v == null) {
        throw new IllegalStateException("the listener was not called within 10 s");
      }
      return v;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
