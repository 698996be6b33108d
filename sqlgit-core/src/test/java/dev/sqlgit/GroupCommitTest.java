package dev.sqlgit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.testing.FileBytes;
import dev.sqlgit.testing.FileSyncer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent submits, with group commit on and off: every submit that returned is in the log and
 * the state, each got a distinct seq, and a failing action fails alone.
 */
class GroupCommitTest {
  @TempDir Path dir;

  record Item(String id, long n) {}

  private static ActionRegistry actions() {
    return ActionRegistry.builder()
        .action("init", (db, p) -> db.exec("CREATE TABLE items(id TEXT PRIMARY KEY, n INTEGER NOT NULL CHECK (n >= 0))"))
        .action("add", Item.class, (db, i) -> db.exec("INSERT INTO items VALUES (?, ?)", i.id(), i.n()))
        .build();
  }

  @ParameterizedTest(name = "groupCommit={0}, master={1}")
  @ValueSource(strings = {"true,true", "true,false", "false,true", "false,false"})
  void concurrentSubmitsAreAllDurableWithDistinctSeqsAndFailAlone(String mode) throws Exception {
    boolean group = mode.startsWith("true");
    boolean master = mode.endsWith("true");
    FileSyncer net = new FileSyncer(dir, "m", List.of("m", "p"));
    String id = master ? "m" : "p";
    try (Peer m = open(net, "m", group)) {
      m.submit("init", null);
      net.deliverAll();
    }
    int threads = 8;
    int each = 25;
    try (Peer peer = open(net, id, group)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<String>>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          List<String> ok = new ArrayList<>();
          for (int i = 0; i < each; i++) {
            String key = thread + "-" + i;
            long n = i % 10 == 9 ? -1 : i; // every tenth one violates the CHECK
            try {
              peer.submit("add", new Item(key, n));
              ok.add(key);
            } catch (ActionFailedException e) {
              assertThat(n).isNegative();
            }
          }
          return ok;
        }));
      }
      start.countDown();
      List<String> acknowledged = new ArrayList<>();
      for (Future<List<String>> f : done) {
        acknowledged.addAll(f.get(60, TimeUnit.SECONDS));
      }
      pool.shutdown();
      assertThat(acknowledged).hasSize(threads * (each - 2));
      assertThat(peer.db().query("SELECT id FROM items", String.class)).containsExactlyInAnyOrderElementsOf(acknowledged);
      List<String> lines = FileBytes.lines(net.rootOf(id).resolve(FileSyncer.logOf(id)));
      long actionLines = lines.stream().filter(l -> l.contains("\"name\":\"add\"")).count();
      assertThat(actionLines).as("every acknowledged submit is in the log, once").isEqualTo(acknowledged.size());
      if (!master) {
        assertThat(peer.pending()).extracting(PeerAction::seq).doesNotHaveDuplicates().hasSize(acknowledged.size());
      }
    }
    try (Peer reopened = open(net, id, group)) {
      assertThat(reopened.db().one("SELECT count(*) FROM items", Long.class)).contains((long) threads * (each - 2));
    }
  }

  /**
   * A batch is one undo step on the peer (with failed actions left out of it): a sync undoes it in
   * place under new master entries and applies it again, and the cluster converges.
   */
  @ParameterizedTest(name = "stateFolder={0}")
  @ValueSource(booleans = {false, true})
  void batchesWithFailuresRebaseInPlace(boolean stateFolder) throws Exception {
    FileSyncer net = initialised(true);
    try (Peer peer = Peer.open(PeerOptions.builder().root(net.rootOf("p")).peerId("p").masterId("m")
            .actions(actions()).groupCommit(true).stateDir(stateFolder ? dir.resolve("state-p") : null).build());
        Peer m = open(net, "m", true)) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 20; i++) {
            try {
              peer.submit("add", new Item("p" + thread + "-" + i, i % 7 == 6 ? -1 : i));
            } catch (ActionFailedException e) {
              assertThat(i % 7).isEqualTo(6);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      m.submit("add", new Item("m1", 1));
      net.deliverAll();
      peer.sync(); // undoes the pending batches, applies m1, applies them again
      assertThat(peer.syncsInPlace()).isEqualTo(1);
      assertThat(peer.db().one("SELECT count(*) FROM items", Long.class)).contains(8L * 18 + 1);
      net.deliverAll();
      m.sync();
      net.deliverAll();
      peer.sync();
      assertThat(peer.pending()).isEmpty();
      assertThat(peer.db().query("SELECT id, n FROM items ORDER BY id"))
          .isEqualTo(m.db().query("SELECT id, n FROM items ORDER BY id"));
    }
  }

  /**
   * The master and a peer both submit from many threads: each submit's line is in its replica's
   * log when it returns, and the two converge.
   */
  @ParameterizedTest(name = "groupCommit={0}")
  @ValueSource(booleans = {true, false})
  void everySubmitIsInTheLogWhenItReturnsAndReplicasConverge(boolean group) throws Exception {
    FileSyncer net = initialised(group);
    int threads = 4; // per replica
    int each = 8; // few: the master's sync checks each of p's actions against all of its own
    try (Peer m = open(net, "m", group); Peer p = open(net, "p", group)) {
      ExecutorService pool = Executors.newFixedThreadPool(2 * threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 2 * threads; t++) {
        Peer peer = t % 2 == 0 ? m : p;
        String key = peer.peerId() + t;
        Path log = net.logAt(peer.peerId(), peer.peerId());
        done.add(pool.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          for (int i = 0; i < each; i++) {
            String id = key + "-" + i;
            peer.submit("add", new Item(id, i));
            assertThat(FileBytes.text(log)).as("in the log once submit returned").contains("\"id\":\"" + id + "\"");
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      net.deliverAll();
      m.sync();
      net.deliverAll();
      p.sync();
      net.deliverAll();
      m.sync(); // records p's ack
      List<String> all = m.db().query("SELECT id FROM items ORDER BY id", String.class);
      assertThat(all).hasSize(2 * threads * each);
      assertThat(p.db().query("SELECT id FROM items ORDER BY id", String.class)).isEqualTo(all);
      assertThat(p.pending()).isEmpty();
      assertThat(p.masterHead()).isEqualTo(m.masterHead());
    }
  }

  /** Closing a replica while many threads submit: every submitter leaves, and what was acknowledged is what was logged. */
  @ParameterizedTest(name = "groupCommit={0}, replica={1}")
  @ValueSource(strings = {"true,m", "true,p", "false,m", "false,p"})
  void closeWhileManyThreadsSubmitLosesNothingAcknowledged(String mode) throws Exception {
    boolean group = mode.startsWith("true");
    String id = mode.split(",")[1];
    FileSyncer net = initialised(group);
    int threads = 16;
    java.util.Queue<String> acknowledged = new java.util.concurrent.ConcurrentLinkedQueue<>();
    Peer peer = open(net, id, group);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 100_000; i++) {
            String key = thread + "-" + i;
            try {
              peer.submit("add", new Item(key, i));
            } catch (ClosedException e) {
              return null;
            }
            acknowledged.add(key);
          }
          throw new AssertionError("never closed");
        }));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (acknowledged.size() < 300 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      peer.close();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS); // each submitter left with ClosedException, none hangs
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(300);
    List<String> lines = FileBytes.lines(net.logAt(id, id));
    long added = lines.stream().filter(l -> l.contains("\"name\":\"add\"")).count();
    assertThat(added).as("what was acknowledged is in the log, and nothing else").isEqualTo(acknowledged.size());
    try (Peer reopened = open(net, id, group)) {
      assertThat(reopened.db().query("SELECT id FROM items", String.class))
          .containsExactlyInAnyOrderElementsOf(acknowledged);
    }
  }

  /**
   * Syncs run while group commit writes and fsyncs batches: a sync rewrites the peer's own log
   * (its pending actions rebased), which closes the file the fsync thread may be forcing. Every
   * acknowledged submit survives, and the cluster converges.
   */
  @ParameterizedTest(name = "stateFolder={0}")
  @ValueSource(booleans = {false, true})
  void syncsWhileBatchesAreWrittenLoseNothing(boolean stateFolder) throws Exception {
    FileSyncer net = initialised(true);
    java.util.Queue<String> acknowledged = new java.util.concurrent.ConcurrentLinkedQueue<>();
    try (Peer peer = Peer.open(PeerOptions.builder().root(net.rootOf("p")).peerId("p").masterId("m")
            .actions(actions()).stateDir(stateFolder ? dir.resolve("state-p") : null).build());
        Peer m = open(net, "m", true)) {
      // Few submits: a sync checks each pending action against the others and the new master
      // entries, so thousands pending would make each sync take minutes (README, Known limits).
      int threads = 4;
      int each = 15;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          done.add(pool.submit(() -> {
            for (int i = 0; i < each; i++) {
              String key = "p" + thread + "-" + i;
              peer.submit("add", new Item(key, i));
              acknowledged.add(key);
              Thread.yield(); // leave the syncing thread room between batches
            }
            return null;
          }));
        }
        // The test thread plays the syncer and the master while the submits run.
        for (int round = 0; !done.stream().allMatch(Future::isDone) || round < 2; round++) {
          m.submit("add", new Item("m" + round, round));
          net.deliverAll();
          m.sync();
          net.deliverAll();
          peer.sync();
        }
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(acknowledged).hasSize(threads * each);
      for (int i = 0; i < 3; i++) { // incorporate what is left, then acknowledge it
        net.deliverAll();
        m.sync();
        net.deliverAll();
        peer.sync();
      }
      assertThat(peer.pending()).isEmpty();
      List<String> onMaster = m.db().query("SELECT id FROM items WHERE id LIKE 'p%'", String.class);
      assertThat(onMaster).containsExactlyInAnyOrderElementsOf(acknowledged);
      assertThat(peer.db().query("SELECT id, n FROM items ORDER BY id"))
          .isEqualTo(m.db().query("SELECT id, n FROM items ORDER BY id"));
    }
  }

  /**
   * Under group commit an action runs on the replica's writer thread: one that calls submit
   * itself fails (it would wait for its own batch forever), and submits go on afterwards.
   */
  @ParameterizedTest(name = "concurrent={0}")
  @ValueSource(booleans = {false, true})
  void anActionThatSubmitsFailsInsteadOfWaitingForItself(boolean concurrent) throws Exception {
    java.util.concurrent.atomic.AtomicReference<Peer> self = new java.util.concurrent.atomic.AtomicReference<>();
    ActionRegistry actions = ActionRegistry.builder()
        .action("init", (db, p) -> db.exec("CREATE TABLE items(id TEXT PRIMARY KEY, n INTEGER NOT NULL)"))
        .action("add", Item.class, (db, i) -> db.exec("INSERT INTO items VALUES (?, ?)", i.id(), i.n()))
        .action("nested", (db, p) -> self.get().submit("add", new Item("inner", 1)))
        .build();
    try (Peer m = Peer.open(PeerOptions.builder().root(dir).peerId("m").masterId("m").actions(actions).build())) {
      self.set(m);
      m.submit("init", null);
      ExecutorService pool = Executors.newFixedThreadPool(5);
      try {
        List<Future<?>> busy = new ArrayList<>();
        for (int t = 0; concurrent && t < 4; t++) { // keeps the writer thread busy: batches, not a lone submit
          int thread = t;
          busy.add(pool.submit(() -> {
            for (int i = 0; i < 50; i++) {
              m.submit("add", new Item(thread + "-" + i, i));
            }
            return null;
          }));
        }
        Future<?> nested = pool.submit(() -> m.submit("nested", null));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> nested.get(30, TimeUnit.SECONDS)))
            .hasCauseInstanceOf(ActionFailedException.class)
            .hasRootCauseInstanceOf(IllegalStateException.class);
        for (Future<?> f : busy) {
          f.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      m.submit("add", new Item("after", 2));
      assertThat(m.db().query("SELECT id FROM items WHERE id IN ('inner', 'after')", String.class))
          .containsExactly("after");
    }
  }

  /** An interrupt does not cut a submit short: it returns durable, the interrupt flag set again. */
  @org.junit.jupiter.api.Test
  void anInterruptedSubmitterStillGetsItsOutcome() throws Exception {
    FileSyncer net = initialised(true);
    try (Peer p = open(net, "p", true)) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Boolean>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int thread = t;
          done.add(pool.submit(() -> {
            for (int i = 0; i < 20; i++) {
              if (i == 10) {
                Thread.currentThread().interrupt(); // as if interrupted while waiting for its batch
              }
              p.submit("add", new Item(thread + "-" + i, i));
              if (i == 10 && !Thread.interrupted()) {
                return false; // the flag was lost
              }
            }
            return true;
          }));
        }
        for (Future<Boolean> f : done) {
          assertThat(f.get(30, TimeUnit.SECONDS)).as("interrupt flag set again").isTrue();
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(p.db().query("SELECT count(*) FROM items", Long.class)).containsExactly(160L);
    }
  }

  /** A cluster of master m and peer p whose master created the items table, delivered to p. */
  private FileSyncer initialised(boolean group) {
    FileSyncer net = new FileSyncer(dir, "m", List.of("m", "p"));
    try (Peer m = open(net, "m", group)) {
      m.submit("init", null);
      net.deliverAll();
    }
    return net;
  }

  private static Peer open(FileSyncer net, String id, boolean group) {
    return Peer.open(PeerOptions.builder().root(net.rootOf(id)).peerId(id).masterId("m").actions(actions())
        .groupCommit(group).build());
  }
}
