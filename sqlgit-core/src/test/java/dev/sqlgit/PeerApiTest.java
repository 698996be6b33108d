package dev.sqlgit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqlgit.testing.FileSyncer;
import dev.sqlgit.testing.Notes;
import dev.sqlgit.testing.Notes.Note;
import dev.sqlgit.testing.Replicas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public {@link Peer} API as SPEC §3 shows it. */
class PeerApiTest {
  @TempDir Path dir;

  static final ActionRegistry ACTIONS = Notes.actions();

  private FileSyncer net() {
    return new FileSyncer(dir, "alice", List.of("alice", "bob"));
  }

  private Peer open(FileSyncer net, String id) {
    return Replicas.open(net, id, ACTIONS);
  }

  /** alice, the master, with the notes table and note n1 = {@code body}, delivered to bob's root. */
  private Peer masterWithN1(FileSyncer net, String body) {
    Peer alice = open(net, "alice");
    alice.submit("init", null);
    alice.submit("add_note", new Note("n1", body));
    net.deliverAll();
    return alice;
  }

  /** alice and bob edit n1 concurrently, each to their own name; then every log is delivered. */
  private static void bothEditN1(FileSyncer net, Peer alice, Peer bob) {
    alice.submit("edit_note", new Note("n1", "alice"));
    bob.submit("edit_note", new Note("n1", "bob"));
    net.deliverAll();
  }

  @Test
  void quickstartFromTheSpecRuns() {
    FileSyncer net = net();
    ActionRegistry actions = ActionRegistry.builder()
        .action("init", (db, p) -> db.exec("CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT)"))
        .action("add_note", Note.class, (db, n) -> db.exec("INSERT INTO notes VALUES (?, ?)", n.id(), n.body()))
        .build();
    try (Peer alice = Peer.open(PeerOptions.builder()
            .root(net.rootOf("alice"))
            .peerId("alice").masterId("alice")
            .actions(actions)
            .build())) {
      alice.submit("init", null);
      net.deliverAll();

      try (Peer peer = Peer.open(PeerOptions.builder()
              .root(net.rootOf("bob"))                // Path.of("shared/cluster") in the spec
              .peerId("bob").masterId("alice")
              .actions(actions)
              .stateDir(dir.resolve("local/bob"))     // optional: persistent local state
              .build())) {
        peer.submit("add_note", new Note("n1", "hello"));
        SyncReport report = peer.sync(ctx -> Resolution.DROP);
        List<Row> rows = peer.db().query("SELECT * FROM notes");

        assertThat(report).isEqualTo(new SyncReport(1, 0, 0, 0, 0, java.util.OptionalLong.empty()));
        assertThat(rows).containsExactly(new Row(List.of("id", "body"), List.of("n1", "hello")));
        assertThat(Files.isDirectory(dir.resolve("local/bob"))).isTrue();

        net.deliverAll();
        assertThat(alice.sync().applied()).isEqualTo(1);
        assertThat(alice.db().query("SELECT * FROM notes")).isEqualTo(rows);
        net.deliverAll();
        peer.sync();
        assertThat(peer.pending()).isEmpty();
        assertThat(peer.masterHead()).isEqualTo(2).isEqualTo(alice.masterHead());
      }
    }
  }

  @Test
  void dbIsReadOnly() {
    FileSyncer net = net();
    try (Peer alice = masterWithN1(net, "hello"); Peer bob = open(net, "bob")) {
      for (Peer p : List.of(alice, bob)) {
        Db db = p.db();
        assertThatThrownBy(() -> db.exec("DELETE FROM notes"))
            .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.resultCode()).isEqualTo(8));
        assertThatThrownBy(() -> db.exec("INSERT INTO notes VALUES ('x', 'y')"))
            .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.resultCode()).isEqualTo(8));
        assertThatThrownBy(() -> db.execScript("DELETE FROM notes; DROP TABLE notes;"))
            .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.resultCode()).isEqualTo(8));
        assertThatThrownBy(() -> db.query("DELETE FROM notes")).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> db.query("INSERT INTO notes VALUES ('x', 'y')"))
            .isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> db.query("INSERT INTO notes VALUES ('x', 'y') RETURNING id"))
            .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.resultCode()).isEqualTo(8));
        assertThatThrownBy(() -> db.one("DELETE FROM notes RETURNING id"))
            .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.resultCode()).isEqualTo(8));
        assertThatThrownBy(() -> db.query("UPDATE notes SET body = 'z' RETURNING id", String.class))
            .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.resultCode()).isEqualTo(8));

        assertThat(db.query("SELECT * FROM notes"))
            .containsExactly(new Row(List.of("id", "body"), List.of("n1", "hello")));
      }
      // Writes still work through actions afterwards (the read-only mode did not stick).
      bob.submit("add_note", new Note("n2", "from bob"));
      assertThat(bob.db().one("SELECT count(*) FROM notes", Long.class)).contains(2L);
    }
  }

  @Test
  void identityHeadAndPending() {
    FileSyncer net = net();
    try (Peer alice = open(net, "alice"); Peer bob = open(net, "bob")) {
      assertThat(alice.isMaster()).isTrue();
      assertThat(bob.isMaster()).isFalse();
      assertThat(alice.peerId()).isEqualTo("alice");
      assertThat(bob.peerId()).isEqualTo("bob");
      assertThat(alice.masterHead()).isZero();
      assertThat(bob.masterHead()).isZero();
      assertThat(alice.pending()).isEmpty();
      assertThat(bob.pending()).isEmpty();

      alice.submit("init", null);
      alice.submit("add_note", new Note("n1", "a"));
      assertThat(alice.masterHead()).isEqualTo(2);
      assertThat(alice.pending()).isEmpty();

      net.deliverAll();
      bob.sync();
      assertThat(bob.masterHead()).isEqualTo(2);
      bob.submit("add_note", new Note("n2", "b"));
      bob.submit("edit_note", new Note("n1", "b"));

      List<PeerAction> pending = bob.pending();
      assertThat(pending).extracting(PeerAction::seq).containsExactly(1L, 2L);
      assertThat(pending).extracting(PeerAction::name).containsExactly("add_note", "edit_note");
      assertThat(pending).extracting(PeerAction::baseMasterSeq).containsExactly(2L, 2L);
      assertThat(pending).extracting(PeerAction::force).containsExactly(false, false);
      assertThat(pending.get(0).params().get("id").asText()).isEqualTo("n2");
      assertThat(bob.masterHead()).isEqualTo(2);

      net.deliverAll();
      alice.sync();
      assertThat(alice.masterHead()).isEqualTo(4);
      net.deliverAll();
      bob.sync();
      assertThat(bob.pending()).isEmpty();
      assertThat(bob.masterHead()).isEqualTo(4);
    }
  }

  @Test
  void closeIsIdempotentAndLaterCallsThrow() {
    FileSyncer net = net();
    Peer bob = open(net, "bob");
    Db db = bob.db();
    bob.close();
    bob.close();

    assertThatThrownBy(() -> bob.submit("init", null)).isInstanceOf(ClosedException.class);
    assertThatThrownBy(bob::sync).isInstanceOf(ClosedException.class);
    assertThatThrownBy(() -> bob.sync(ctx -> Resolution.DROP)).isInstanceOf(ClosedException.class);
    assertThatThrownBy(bob::db).isInstanceOf(ClosedException.class);
    assertThatThrownBy(bob::masterHead).isInstanceOf(ClosedException.class);
    assertThatThrownBy(bob::pending).isInstanceOf(ClosedException.class);
    assertThatThrownBy(() -> db.query("SELECT 1")).isInstanceOf(ClosedException.class);
    assertThat(bob.peerId()).isEqualTo("bob");

    Peer alice = open(net, "alice");
    alice.close();
    alice.close();
    assertThatThrownBy(() -> alice.submit("init", null)).isInstanceOf(ClosedException.class);
    assertThatThrownBy(alice::sync).isInstanceOf(ClosedException.class);
  }

  @Test
  void submitOrSyncFromInsideAResolverIsRejected() {
    FileSyncer net = net();
    try (Peer alice = masterWithN1(net, "a"); Peer bob = open(net, "bob")) {
      bothEditN1(net, alice, bob);

      AtomicReference<Throwable> fromSubmit = new AtomicReference<>();
      AtomicReference<Throwable> fromSync = new AtomicReference<>();
      SyncReport report = bob.sync(ctx -> {
        try {
          bob.submit("add_note", new Note("n9", "sneaky"));
        } catch (Throwable t) {
          fromSubmit.set(t);
        }
        try {
          bob.sync();
        } catch (Throwable t) {
          fromSync.set(t);
        }
        return Resolution.DROP;
      });

      assertThat(fromSubmit.get()).isInstanceOf(IllegalStateException.class);
      assertThat(fromSync.get()).isInstanceOf(IllegalStateException.class);
      assertThat(report.dropped()).isEqualTo(1);
      assertThat(bob.db().query("SELECT body FROM notes", String.class)).containsExactly("alice");
      assertThat(bob.pending()).isEmpty();
    }
  }

  @Test
  void readsFromAnotherThreadSeeThePreSyncStateWhileTheResolverBlocks() throws Exception {
    FileSyncer net = net();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Peer alice = masterWithN1(net, "base"); Peer bob = open(net, "bob")) {
      alice.submit("edit_note", new Note("n1", "alice"));
      alice.submit("add_note", new Note("n2", "from alice"));
      bob.submit("edit_note", new Note("n1", "bob"));
      net.deliverAll();

      CountDownLatch inResolver = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Future<SyncReport> sync = pool.submit(() -> bob.sync(ctx -> {
        inResolver.countDown();
        try {
          if (!release.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return Resolution.DROP;
      }));
      assertThat(inResolver.await(30, TimeUnit.SECONDS)).isTrue();

      Future<List<Row>> read = pool.submit(() -> bob.db().query("SELECT id, body FROM notes ORDER BY id"));
      List<Row> during = read.get(30, TimeUnit.SECONDS);
      release.countDown();
      SyncReport report = sync.get(30, TimeUnit.SECONDS);

      assertThat(during).containsExactly(new Row(List.of("id", "body"), List.of("n1", "bob")));
      assertThat(report.dropped()).isEqualTo(1);
      assertThat(bob.db().query("SELECT id, body FROM notes ORDER BY id"))
          .containsExactly(
              new Row(List.of("id", "body"), List.of("n1", "alice")),
              new Row(List.of("id", "body"), List.of("n2", "from alice")));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void openCreatesTheClusterFoldersAndTheOwnLog() {
    Path root = dir.resolve("not/yet/there");
    for (String id : List.of("alice", "bob")) {
      try (Peer p = Peer.open(
          PeerOptions.builder().root(root).peerId(id).masterId("alice").actions(ACTIONS).build())) {
        assertThat(root.resolve("peers/" + id + ".jsonl")).isRegularFile().isEmptyFile();
        assertThat(p.masterHead()).isZero();
      }
    }
    assertThat(root.resolve(FileSyncer.SNAPSHOT)).doesNotExist();
  }

  @Test
  void optionsAreValidated() {
    PeerOptions.Builder ok = PeerOptions.builder().root(dir).peerId("bob").masterId("alice").actions(ACTIONS);
    assertThat(ok.build().isMaster()).isFalse();
    assertThatThrownBy(() -> PeerOptions.builder().root(dir).peerId("bob.sync-conflict").masterId("alice")
        .actions(ACTIONS).build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PeerOptions.builder().root(dir).peerId("").masterId("alice").actions(ACTIONS).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PeerOptions.builder().root(dir).peerId("bob").actions(ACTIONS).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PeerOptions.builder().peerId("bob").masterId("alice").actions(ACTIONS).build())
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> PeerOptions.builder().root(dir).peerId("bob").masterId("alice").build())
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void conflictContextDbsAreReadOnlyAndExpireWhenTheResolverReturns() {
    FileSyncer net = net();
    try (Peer alice = masterWithN1(net, "base"); Peer bob = open(net, "bob")) {
      bothEditN1(net, alice, bob);
      AtomicReference<Db> base = new AtomicReference<>();
      AtomicReference<Db> rebased = new AtomicReference<>();

      bob.sync(ctx -> {
        base.set(ctx.baseDb());
        rebased.set(ctx.rebasedDb());
        assertThat(ctx.baseDb().one("SELECT body FROM notes", String.class)).contains("base");
        assertThat(ctx.rebasedDb().one("SELECT body FROM notes", String.class)).contains("alice");
        assertThatThrownBy(() -> ctx.rebasedDb().exec("DELETE FROM notes"))
            .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.resultCode()).isEqualTo(8));
        assertThatThrownBy(() -> ctx.baseDb().query("DELETE FROM notes RETURNING id"))
            .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.resultCode()).isEqualTo(8));
        assertThat(ctx.rebasedDb().one("SELECT count(*) FROM notes", Long.class)).contains(1L);
        return Resolution.DROP;
      });

      assertThatThrownBy(() -> base.get().query("SELECT 1")).isInstanceOf(ClosedException.class);
      assertThatThrownBy(() -> rebased.get().query("SELECT 1")).isInstanceOf(ClosedException.class);
      assertThat(bob.db().one("SELECT body FROM notes", String.class)).contains("alice");
    }
  }

  @Test
  void concurrentSubmitsAreSerialisedWithDistinctSeqs() throws Exception {
    FileSyncer net = net();
    int threads = 4;
    int each = 25;
    try (Peer alice = open(net, "alice")) {
      alice.submit("init", null);
      net.deliverAll();
      try (Peer bob = open(net, "bob")) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
          CountDownLatch start = new CountDownLatch(1);
          List<Future<?>> futures = new java.util.ArrayList<>();
          for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
              start.await(30, TimeUnit.SECONDS);
              for (int i = 0; i < each; i++) {
                bob.submit("add_note", new Note("t" + thread + "-" + i, "x"));
                bob.db().query("SELECT count(*) FROM notes");
              }
              return null;
            }));
          }
          start.countDown();
          for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
          }
        } finally {
          pool.shutdownNow();
        }

        List<PeerAction> pending = bob.pending();
        assertThat(pending).hasSize(threads * each);
        assertThat(pending).extracting(PeerAction::seq)
            .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, threads * each).boxed().toList());
        assertThat(Files.readAllLines(net.logAt("bob", "bob"))).hasSize(threads * each);
        assertThat(bob.db().one("SELECT count(*) FROM notes", Long.class)).contains((long) threads * each);
        net.deliverAll();
        assertThat(alice.sync().applied()).isEqualTo(threads * each);
      }
    }
  }
}
