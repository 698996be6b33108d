package dev.sqlgit;

import static dev.sqlgit.LiveFixture.column;
import static dev.sqlgit.LiveFixture.exec;
import static dev.sqlgit.LiveFixture.runs;
import static dev.sqlgit.LiveFixture.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.LiveFixture.Recorder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What subscribers receive: changed results only, unchanged rows by identity, the latest when slow. */
@Timeout(60)
class LiveQueryDeliveryTest {
  @TempDir Path dir;

  @Test
  void unchangedRowsKeepTheirIdentity() {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<List<Row>> rows = peer.live("SELECT id, name FROM accounts ORDER BY id")) {
      Recorder<List<Row>> seen = new Recorder<>();
      rows.subscribe(seen);
      List<Row> before = seen.next();
      exec(peer, "UPDATE accounts SET name = 'Bobby' WHERE id = 'b'");
      List<Row> after = seen.next();
      assertThat(after.get(0)).isSameAs(before.get(0));
      assertThat(after.get(1)).isNotSameAs(before.get(1));
      assertThat(after.get(1).getString("name")).isEqualTo("Bobby");
      assertThat(rows.current()).isSameAs(after);
    }
  }

  @Test
  void aResultIsEmittedOnlyWhenItChanged() {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<List<Row>> rich = peer.live("SELECT id FROM accounts WHERE balance > ? ORDER BY id", 100)) {
      Recorder<List<Row>> seen = new Recorder<>();
      rich.subscribe(seen);
      assertThat(seen.next()).isEmpty();
      exec(peer, "UPDATE accounts SET balance = 5 WHERE id = 'a'");
      assertThat(rich.current()).isEmpty(); // re-runs now (not conflated with the marker's): same result
      exec(peer, "UPDATE accounts SET balance = 500 WHERE id = 'b'"); // the marker
      assertThat(column(seen.next(), "id")).containsExactly("b");
      assertThat(runs(rich)).isEqualTo(3);
      assertThat(seen.pending()).isEmpty();
    }
  }

  @Test
  void closingASubscriptionStopsItsDeliveries() {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<List<Row>> notes = peer.live("SELECT id FROM notes ORDER BY id")) {
      Recorder<List<Row>> first = new Recorder<>();
      Recorder<List<Row>> second = new Recorder<>();
      Subscription s1 = notes.subscribe(first);
      notes.subscribe(second);
      first.next();
      second.next();
      s1.close();
      s1.close(); // idempotent
      exec(peer, "INSERT INTO notes VALUES ('n1', 'x')");
      assertThat(column(second.next(), "id")).containsExactly("n1");
      exec(peer, "INSERT INTO notes VALUES ('n2', 'y')");
      assertThat(column(second.next(), "id")).containsExactly("n1", "n2");
      assertThat(first.pending()).isEmpty();
    }
  }

  @Test
  void currentIncludesEverySubmitThatReturnedEvenWhileTheLiveThreadIsBusy() throws Exception {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<List<Row>> notes = peer.live("SELECT id FROM notes ORDER BY id");
        LiveQuery<List<Row>> blocker = peer.live("SELECT note FROM audit")) {
      CountDownLatch busy = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      blocker.subscribe(rows -> {
        busy.countDown();
        await(release);
      });
      assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue(); // the live thread is now stuck
      Recorder<List<Row>> seen = new Recorder<>();
      notes.subscribe(seen);

      exec(peer, "INSERT INTO notes VALUES ('n1', 'x')");
      List<Row> now = notes.current(); // re-runs here, on the caller's thread
      assertThat(column(now, "id")).containsExactly("n1");

      release.countDown();
      // Its first call had not started: it gets the latest result, not the stale one before it.
      assertThat(seen.next()).isSameAs(now);
    }
  }

  @Test
  void aSlowListenerGetsTheLatestResultNotABacklogAndNeverBlocksSubmits() throws Exception {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<List<Row>> notes = peer.live("SELECT count(*) AS n FROM notes")) {
      CountDownLatch busy = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Recorder<Long> seen = new Recorder<>();
      notes.subscribe(rows -> {
        long n = rows.get(0).getLong("n");
        seen.accept(n);
        if (n == 1) {
          busy.countDown();
          await(release);
        }
      });
      assertThat(seen.next()).isZero();
      exec(peer, "INSERT INTO notes VALUES ('n1', 'x')");
      assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
      for (int i = 2; i <= 6; i++) { // all return while the listener is stuck
        exec(peer, "INSERT INTO notes VALUES (?, 'x')", "n" + i);
      }
      assertThat(seen.next()).isEqualTo(1L);
      release.countDown();
      assertThat(seen.next()).as("the latest, skipping 2..5").isEqualTo(6L);
      exec(peer, "INSERT INTO notes VALUES ('n7', 'x')"); // the marker: no backlog item comes before it
      assertThat(seen.next()).isEqualTo(7L);
    }
  }

  @Test
  void onAThreadPoolASlowListenerStillGetsOnlyTheLatest() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (Peer peer = Peer.open(PeerOptions.builder().root(dir).peerId("m").masterId("m")
            .actions(LiveFixture.ACTIONS).liveExecutor(pool).build())) {
      peer.submit("init", null);
      LiveQuery<List<Row>> notes = peer.live("SELECT count(*) AS n FROM notes");
      CountDownLatch busy = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Recorder<Long> seen = new Recorder<>();
      notes.subscribe(rows -> {
        long n = rows.get(0).getLong("n");
        seen.accept(n);
        if (n == 0) {
          busy.countDown();
          await(release);
        }
      });
      assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
      for (int i = 1; i <= 5; i++) {
        exec(peer, "INSERT INTO notes VALUES (?, 'x')", "n" + i);
      }
      assertThat(notes.current().get(0).getLong("n")).isEqualTo(5); // staged for the listener too
      release.countDown();
      assertThat(List.of(seen.next(), seen.next())).containsExactly(0L, 5L);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailedRerunGoesToTheErrorCallbackAndKeepsTheLastGoodResult() {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<List<Row>> notes = peer.live("SELECT id FROM notes ORDER BY id")) {
      exec(peer, "INSERT INTO notes VALUES ('n1', 'x')");
      Recorder<List<Row>> seen = new Recorder<>();
      Recorder<LiveQueryException> errors = new Recorder<>();
      notes.subscribe(seen, errors);
      List<Row> good = seen.next();

      script(peer, "DROP TABLE notes;");
      LiveQueryException error = errors.next();
      assertThat(error.sql()).isEqualTo("SELECT id FROM notes ORDER BY id");
      assertThat(error).hasCauseInstanceOf(StorageException.class).hasMessageContaining("no such table");
      assertThat(notes.current()).isSameAs(good);

      script(peer, "CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT); INSERT INTO notes VALUES ('n9', 'back');");
      assertThat(column(seen.next(), "id")).containsExactly("n9");
      // peer.db() shares the connection's statement cache: the failed statement recovers there too.
      assertThat(column(peer.db().query("SELECT id FROM notes ORDER BY id"), "id")).containsExactly("n9");
    }
  }

  @Test
  void aListenerThatThrowsStaysSubscribed() {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<List<Row>> notes = peer.live("SELECT id FROM notes")) {
      Recorder<List<Row>> seen = new Recorder<>();
      notes.subscribe(rows -> {
        seen.accept(rows);
        throw new IllegalStateException("listener bug");
      });
      seen.next();
      exec(peer, "INSERT INTO notes VALUES ('n1', 'x')");
      assertThat(seen.next()).hasSize(1);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
