package dev.sqlgit.bench;

import dev.sqlgit.ActionRegistry;
import dev.sqlgit.Peer;
import dev.sqlgit.PeerOptions;
import dev.sqlgit.bench.SyncBench.Move;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Does the engine stay flat as history and data grow (issue 3, item 6)? The same operations on a
 * small cluster (default 1k master entries, 10k rows) and a large one (100k entries, 1M rows),
 * both unsquashed (a silent peer that never syncs holds the squash back), and their ratios:
 *
 * <ul>
 *   <li>peer sync: 10 pending actions rebased over 10 new master entries;
 *   <li>master sync: incorporating 10 peer actions whose base is 10 entries behind;
 *   <li>open with a {@code stateDir} whose state a previous open created (peer and master), and,
 *       for comparison, open without one (the state rebuilt in memory by replaying the log);
 *   <li>on the small cluster, the in-place engine against the reference path
 *       ({@code -Dsqlgit.engine=reference});
 *   <li>peak heap, peak resident memory and disk use of each size.
 * </ul>
 *
 * <p>Sizes and repetitions are system properties (see {@link Config}), for example
 * {@code JAVA_OPTS="-Dsqlgit.bench.scale.entries=5000 -Dsqlgit.bench.scale.rows=50000" ./sqlgit
 * bench scale}.
 */
final class ScaleBench {
  /** Rows per {@code load_rows} entry of the bulk load. */
  private static final int CHUNK = 10_000;
  /** Sync rounds run before the measured ones. */
  private static final int WARMUPS = 2;
  private static final String MASTER = "m";
  private static final String PEER = "p";

  private ScaleBench() {}

  /** Sizes and repetitions, read from {@code sqlgit.bench.scale.*} system properties. */
  record Config(
      int smallEntries, int smallRows, int entries, int rows, int rounds, int opens, int threads, boolean keep) {
    static Config fromProperties() {
      return new Config(
          Integer.getInteger("sqlgit.bench.scale.small.entries", 1_000),
          Integer.getInteger("sqlgit.bench.scale.small.rows", 10_000),
          Integer.getInteger("sqlgit.bench.scale.entries", 100_000),
          Integer.getInteger("sqlgit.bench.scale.rows", 1_000_000),
          Integer.getInteger("sqlgit.bench.scale.rounds", 5),
          Integer.getInteger("sqlgit.bench.scale.opens", 5),
          Integer.getInteger("sqlgit.bench.scale.threads", 8),
          Boolean.getBoolean("sqlgit.bench.scale.keep"));
    }

    /** One round of everything: enough to compile the hot paths before anything is measured. */
    Config once() {
      return new Config(smallEntries, smallRows, entries, rows, 1, 1, threads, false);
    }
  }

  /** What one cluster size measured: medians in ms, sizes in bytes. */
  static final class Figures {
    final int entries;
    final int rows;
    double buildSeconds;
    long headAtOpen;
    double peerSync;
    double masterSync;
    double firstOpenWithState;
    double openPeerWithState;
    double openMasterWithState;
    double openPeerInMemory;
    double openMasterInMemory;
    double referencePeerSync = Double.NaN;
    double referenceMasterSync = Double.NaN;
    HeapWatch.Peaks heapBuild;
    HeapWatch.Peaks heapSyncs;
    HeapWatch.Peaks heapOpens;
    long retainedByMaster;
    long retainedByPeer;
    long peakRss;
    long clusterBytes;
    long stateBytes;

    Figures(int entries, int rows) {
      this.entries = entries;
      this.rows = rows;
    }

    String label() {
      return compact(entries) + " entries, " + compact(rows) + " rows";
    }
  }

  static void run(PrintStream out) {
    Config config = Config.fromProperties();
    boolean rssResets = HeapWatch.resetPeakRss();
    Figures small;
    Figures large;
    try (HeapWatch heap = HeapWatch.start()) {
      progress("warming up the JIT on a tiny cluster...");
      measure(config.once(), 100, 1_000, true, heap);
      small = measure(config, config.smallEntries(), config.smallRows(), true, heap);
      large = measure(config, config.entries(), config.rows(), false, heap);
    }
    print(out, config, small, large, rssResets);
  }

  /** Builds one cluster and measures it; on the small one, also with the reference path. */
  private static Figures measure(Config config, int entries, int rows, boolean withReference, HeapWatch heap) {
    Figures f = new Figures(entries, rows);
    Path dir = SyncBench.tempDir();
    Cluster cluster = new Cluster(dir);
    try {
      System.gc(); // start each size from the live data only, not the last size's garbage
      HeapWatch.resetPeakRss();
      heap.take();
      long t0 = System.nanoTime();
      try (Peer master = cluster.build(entries, rows, config.threads())) {
        f.buildSeconds = (System.nanoTime() - t0) / 1e9;
        f.heapBuild = heap.take();
        progress("%s: built in %.1f s; first open of the peer with a new stateDir...", f.label(), f.buildSeconds);
        long t1 = System.nanoTime();
        try (Peer peer = cluster.open(PEER, true)) {
          f.firstOpenWithState = (System.nanoTime() - t1) / 1e6;
          progress("%s: syncs (%d + %d rounds each)...", f.label(), WARMUPS, config.rounds());
          f.peerSync = cluster.peerSyncs(master, peer, config.rounds()).medianMillis();
          f.masterSync = cluster.masterSyncs(master, peer, config.rounds()).medianMillis();
          f.headAtOpen = master.masterHead();
        }
      }
      f.heapSyncs = heap.take();
      progress("%s: opens (%d each)...", f.label(), config.opens());
      f.openPeerWithState = cluster.medianOpen(PEER, true, config.opens());
      f.openMasterWithState = cluster.medianOpen(MASTER, true, config.opens());
      f.openPeerInMemory = cluster.medianOpen(PEER, false, config.opens());
      f.openMasterInMemory = cluster.medianOpen(MASTER, false, config.opens());
      f.heapOpens = heap.take();
      f.retainedByMaster = cluster.retainedHeap(MASTER);
      f.retainedByPeer = cluster.retainedHeap(PEER);
      f.peakRss = HeapWatch.peakRssBytes();
      f.clusterBytes = sizeOf(cluster.root);
      f.stateBytes = sizeOf(cluster.states);
      if (withReference) {
        progress("%s: the same syncs on the reference path...", f.label());
        System.setProperty("sqlgit.engine", "reference"); // read by Peer.open
        try (Peer master = cluster.open(MASTER, true); Peer peer = cluster.open(PEER, true)) {
          f.referencePeerSync = cluster.peerSyncs(master, peer, config.rounds()).medianMillis();
          f.referenceMasterSync = cluster.masterSyncs(master, peer, config.rounds()).medianMillis();
        } finally {
          System.clearProperty("sqlgit.engine");
        }
      }
      return f;
    } finally {
      if (!config.keep()) {
        delete(dir);
      } else {
        progress("kept %s", dir);
      }
    }
  }

  private static void print(PrintStream out, Config config, Figures small, Figures large, boolean rssResets) {
    String s = small.label();
    String l = large.label();
    ResultTable ratios = new ResultTable(
        "scale: in-place engine, " + s + " vs " + l + " (unsquashed; medians of " + config.rounds()
            + " syncs and " + config.opens() + " opens)",
        "case", s + " ms", l + " ms", "ratio", "issue target");
    ratio(ratios, "peer sync, 10 pending over 10 new master entries", small.peerSync, large.peerSync, "≤ 2");
    ratio(ratios, "master sync, 10 peer actions with base 10 entries behind", small.masterSync, large.masterSync, "≤ 2");
    ratio(ratios, "open peer, stateDir (reopen)", small.openPeerWithState, large.openPeerWithState, "≤ 2");
    ratio(ratios, "open master, stateDir (reopen)", small.openMasterWithState, large.openMasterWithState, "≤ 2");
    ratio(ratios, "open peer, in memory (replay)", small.openPeerInMemory, large.openPeerInMemory, "-");
    ratio(ratios, "open master, in memory (replay)", small.openMasterInMemory, large.openMasterInMemory, "-");
    ratio(ratios, "first open of the peer, new stateDir (1 run)", small.firstOpenWithState, large.firstOpenWithState, "-");
    ratios.print(out);
    out.println();
    out.println("Opens ran at master heads " + small.headAtOpen + " and " + large.headAtOpen
        + " (the syncs added their entries).");

    ResultTable reference = new ResultTable("scale: in-place engine vs reference path, " + s,
        "case", "in-place ms", "reference ms", "speedup");
    reference.row("peer sync, 10 pending over 10 new master entries", small.peerSync, small.referencePeerSync,
        small.referencePeerSync / small.peerSync);
    reference.row("master sync, 10 peer actions with base 10 entries behind", small.masterSync,
        small.referenceMasterSync, small.referenceMasterSync / small.masterSync);
    reference.print(out);

    ResultTable resources = new ResultTable(
        "scale: build time, memory and disk (max heap " + mb(HeapWatch.maxHeapBytes()) + " MB)",
        "", s, l);
    resources.row("build: seconds", String.format("%.1f", small.buildSeconds),
        String.format("%.1f", large.buildSeconds));
    resources.row("build: master entries per second", Math.round(small.entries / small.buildSeconds),
        Math.round(large.entries / large.buildSeconds));
    resources.row("peak heap MB (used / after a GC), build", heap(small.heapBuild), heap(large.heapBuild));
    resources.row("peak heap MB (used / after a GC), syncs", heap(small.heapSyncs), heap(large.heapSyncs));
    resources.row("peak heap MB (used / after a GC), opens", heap(small.heapOpens), heap(large.heapOpens));
    resources.row("heap MB retained by an open master (full GC)", mb(small.retainedByMaster),
        mb(large.retainedByMaster));
    resources.row("heap MB retained by an open peer (full GC)", mb(small.retainedByPeer), mb(large.retainedByPeer));
    resources.row("peak resident memory MB" + (rssResets ? "" : " (since JVM start)"), mb(small.peakRss),
        mb(large.peakRss));
    resources.row("disk MB, cluster folder (logs, snapshot)", mb(small.clusterBytes), mb(large.clusterBytes));
    resources.row("disk MB, state dirs (master + peer)", mb(small.stateBytes), mb(large.stateBytes));
    resources.print(out);
  }

  /**
   * One cluster folder with its replicas' state folders beside it: master {@code m}, peer {@code
   * p}, and a silent peer that has a log but never syncs, so the master never squashes.
   */
  private static final class Cluster {
    final Path root;
    final Path states;
    final ActionRegistry actions = SyncBench.actions();
    /** Makes transaction ids unique across every phase. */
    private long nextId;

    Cluster(Path dir) {
      this.root = dir.resolve("cluster");
      this.states = dir.resolve("state");
    }

    Peer open(String id, boolean withStateDir) {
      PeerOptions.Builder options = PeerOptions.builder().root(root).peerId(id).masterId(MASTER).actions(actions);
      if (withStateDir) {
        options.stateDir(states.resolve(id));
      }
      return Peer.open(options.build());
    }

    /**
     * Writes {@code entries} master entries holding {@code rows} rows of {@code transactions}:
     * {@code init}, a bulk load in entries of about {@link #CHUNK} rows, then single deposits
     * submitted from {@code threads} threads (group commit batches them). Returns the open master.
     */
    Peer build(int entries, int rows, int threads) {
      open("silent", false).close(); // has a log, never acks: the master keeps every entry
      int chunks = (int) Math.ceil(Math.max(0, rows - entries) / (double) CHUNK);
      int deposits = entries - 1 - chunks;
      if (deposits < 0) {
        throw new IllegalArgumentException(entries + " entries cannot hold " + rows + " rows in loads of " + CHUNK);
      }
      long bulk = rows - deposits;
      Peer master = open(MASTER, true);
      try {
        master.submit("init", null);
        long from = 0;
        for (int c = 0; c < chunks; c++) {
          long n = bulk / chunks + (c < bulk % chunks ? 1 : 0);
          master.submit("load_rows", Map.of("from", from, "rows", n));
          from += n;
        }
        submitDeposits(master, deposits, threads);
        long head = master.masterHead();
        long count = master.db().one("SELECT count(*) AS n FROM transactions").orElseThrow().getLong("n");
        if (head != entries || count != rows) {
          throw new IllegalStateException("built " + head + " entries and " + count + " rows, wanted " + entries
              + " and " + rows);
        }
        return master;
      } catch (RuntimeException | Error e) {
        master.close();
        throw e;
      }
    }

    private void submitDeposits(Peer master, int deposits, int threads) {
      long first = nextId;
      nextId += deposits;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          done.add(pool.submit(() -> {
            for (int i = thread; i < deposits; i += threads) {
              master.submit("deposit", new Move("h" + (first + i), i % 2 == 0 ? "a" : "b", 1));
            }
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } catch (Exception e) {
        throw new IllegalStateException("building the history failed", e);
      } finally {
        pool.shutdownNow();
      }
    }

    /**
     * Times peer syncs, each rebasing 10 pending actions over 10 new master entries; after each,
     * the master incorporates them and the peer catches up, so the next round starts clean.
     */
    Samples peerSyncs(Peer master, Peer peer, int rounds) {
      Samples sync = new Samples();
      for (int round = 0; round < WARMUPS + rounds; round++) {
        for (int i = 0; i < 10; i++) {
          master.submit("deposit", new Move("m" + nextId++, "b", 1));
          peer.submit("deposit", new Move("q" + nextId++, "a", 1));
        }
        long t0 = System.nanoTime();
        peer.sync();
        if (round >= WARMUPS) {
          sync.add(System.nanoTime() - t0);
        }
        master.sync();
        peer.sync();
      }
      return sync;
    }

    /**
     * Times master syncs, each incorporating 10 peer actions written on a head that 10 master
     * entries have since passed.
     */
    Samples masterSyncs(Peer master, Peer peer, int rounds) {
      Samples incorporate = new Samples();
      for (int round = 0; round < WARMUPS + rounds; round++) {
        for (int i = 0; i < 10; i++) {
          peer.submit("deposit", new Move("r" + nextId++, "a", 1)); // on the head the peer has
          master.submit("deposit", new Move("n" + nextId++, "b", 1)); // 10 entries the peer lacks
        }
        long t0 = System.nanoTime();
        master.sync();
        if (round >= WARMUPS) {
          incorporate.add(System.nanoTime() - t0);
        }
        peer.sync();
      }
      return incorporate;
    }

    /** Median ms of {@code Peer.open} of replica {@code id}, closed after each (not timed). */
    double medianOpen(String id, boolean withStateDir, int times) {
      Samples opens = new Samples();
      for (int i = 0; i < times; i++) {
        long t0 = System.nanoTime();
        Peer replica = open(id, withStateDir);
        opens.add(System.nanoTime() - t0);
        replica.close();
      }
      return opens.medianMillis();
    }

    /**
     * Heap that replica {@code id} keeps while open (with its stateDir): used heap after a full
     * collection with it open, minus the same without it.
     */
    long retainedHeap(String id) {
      long before = HeapWatch.usedAfterFullGc();
      try (Peer replica = open(id, true)) {
        return Math.max(0, HeapWatch.usedAfterFullGc() - before); // 0 when within GC noise
      }
    }
  }

  private static void progress(String format, Object... args) {
    System.err.printf("scale: " + format + "%n", args);
  }

  private static String compact(long n) {
    if (n >= 1_000_000 && n % 100_000 == 0) {
      return (n % 1_000_000 == 0 ? String.valueOf(n / 1_000_000) : String.valueOf(n / 1e6)) + "M";
    }
    if (n >= 1_000 && n % 100 == 0) {
      return (n % 1_000 == 0 ? String.valueOf(n / 1_000) : String.valueOf(n / 1e3)) + "k";
    }
    return String.valueOf(n);
  }

  /** A row of the ratio table: both medians and the larger case's over the smaller's. */
  private static void ratio(ResultTable table, String name, double small, double large, String target) {
    table.row(name, small, large, large / small, target);
  }

  private static String heap(HeapWatch.Peaks peaks) {
    return mb(peaks.used()) + " / " + mb(peaks.afterGc());
  }

  private static String mb(long bytes) {
    return bytes < 0 ? "n/a" : String.format("%.1f", bytes / (1024.0 * 1024.0));
  }

  private static long sizeOf(Path dir) {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0; // gone meanwhile
        }
      }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      progress("could not delete %s: %s", dir, e);
    }
  }
}
