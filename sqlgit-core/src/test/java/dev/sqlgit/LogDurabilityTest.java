package dev.sqlgit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqlgit.log.LogRecord;
import dev.sqlgit.log.LogStore;
import dev.sqlgit.log.SqliteLogStore;
import dev.sqlgit.testing.FsyncFaults;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The log's fsync runs after the writer lock is released (group commit pipelining): a submit still
 * returns only once its line is durable, a failed fsync fails its submits and stops the replica's
 * writes until it is reopened, and close lets a submit waiting for its fsync return durably
 * ({@code GroupCommitTest} closes during many submits).
 */
class LogDurabilityTest {
  @TempDir Path dir;

  record Item(String id, long n) {}

  private static ActionRegistry actions() {
    return ActionRegistry.builder()
        .action("init", (db, p) -> db.exec("CREATE TABLE items(id TEXT PRIMARY KEY, n INTEGER NOT NULL)"))
        .action("add", Item.class, (db, i) -> db.exec("INSERT INTO items VALUES (?, ?)", i.id(), i.n()))
        .build();
  }

  private Peer open(LogStore logs, String id) {
    return Peer.open(PeerOptions.builder().logStore(logs).peerId(id).masterId("m").actions(actions())
        .stateDir(dir.resolve("state-" + id)).build());
  }

  private static Set<String> items(Peer peer) {
    return new TreeSet<>(peer.db().query("SELECT id FROM items", String.class));
  }

  /** The item ids the logs of the master and of the peer {@code p} hold. */
  private static Set<String> itemsInLogs(LogStore logs) {
    Set<String> ids = new TreeSet<>();
    Pattern id = Pattern.compile("\"id\":\"([^\"]+)\"");
    for (String doc : List.of("m", "p")) {
      try (Stream<LogRecord> records = logs.loadAll(doc)) {
        records.forEach(r -> {
          Matcher m = id.matcher(r.data());
          if (m.find()) {
            ids.add(m.group(1));
          }
        });
      }
    }
    return ids;
  }

  @ParameterizedTest(name = "replica={0}, the failed fsync loses its lines={1}")
  @ValueSource(strings = {"m,true", "m,false", "p,true", "p,false"})
  void aFailedFsyncFailsItsSubmitAndTheReplicaRefusesWritesUntilReopened(String mode) {
    String id = mode.split(",")[0];
    boolean lose = Boolean.parseBoolean(mode.split(",")[1]);
    try (SqliteLogStore sqlite = SqliteLogStore.open(dir.resolve("cluster.db"))) {
      FsyncFaults logs = new FsyncFaults(sqlite);
      try (Peer m = open(logs, "m")) {
        m.submit("init", null);
        m.submit("add", new Item("seed", 0));
      }
      Peer peer = open(logs, id);
      peer.submit("add", new Item("durable", 1));
      logs.failForces(lose);
      assertThatThrownBy(() -> peer.submit("add", new Item("unsure", 2)))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("durable")
          .hasRootCauseMessage("injected fsync failure on " + id);
      assertThatThrownBy(() -> peer.submit("add", new Item("refused", 3)))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("takes no more writes")
          .hasMessageContaining("open it again");
      assertThatThrownBy(peer::sync).isInstanceOf(StorageException.class).hasMessageContaining("takes no more writes");
      assertThat(items(peer)).as("reads go on; the state holds the unsure action").contains("unsure");
      peer.close(); // the failure was reported: close does not throw it again

      try (Peer reopened = open(sqlite, id)) {
        assertThat(itemsInLogs(sqlite)).contains("seed", "durable").doesNotContain("refused");
        assertThat(itemsInLogs(sqlite).contains("unsure")).isEqualTo(!lose);
        assertThat(items(reopened)).as("the state is what the logs say").isEqualTo(itemsInLogs(sqlite));
        assertThat(reopened.rebuiltOnOpen()).as("rebuilt when the log lost what the state held").isEqualTo(lose);
        reopened.submit("add", new Item("after", 4));
        reopened.sync();
      }
      try (Peer m = open(sqlite, "m"); Peer p = open(sqlite, "p")) {
        m.sync();
        p.sync();
        assertThat(items(p)).isEqualTo(items(m)).contains("seed", "durable", "after");
        assertThat(p.pending()).isEmpty();
      }
    }
  }

  @ParameterizedTest(name = "replica={0}")
  @ValueSource(strings = {"m", "p"})
  void closeWhileASubmitWaitsForItsFsyncLetsItReturnDurably(String id) throws Exception {
    try (SqliteLogStore sqlite = SqliteLogStore.open(dir.resolve("cluster.db"))) {
      FsyncFaults logs = new FsyncFaults(sqlite);
      try (Peer m = open(logs, "m")) {
        m.submit("init", null);
      }
      Peer peer = open(logs, id);
      CountDownLatch blocked = logs.blockNextForce();
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<?> submit = pool.submit(() -> peer.submit("add", new Item("a", 1)));
        assertThat(blocked.await(10, TimeUnit.SECONDS)).as("applied, logged, fsync under way").isTrue();
        Thread closing = new Thread(peer::close, "closing");
        closing.start();
        awaitWaitingForTheFsync(closing);
        logs.release();
        submit.get(10, TimeUnit.SECONDS); // returned normally
        closing.join(10_000);
        assertThat(closing.isAlive()).isFalse();
      } finally {
        pool.shutdownNow();
      }
      assertThatThrownBy(() -> peer.submit("add", new Item("b", 2))).isInstanceOf(ClosedException.class);
      try (Peer reopened = open(sqlite, id)) {
        assertThat(items(reopened)).containsExactly("a");
      }
    }
  }

  /**
   * Waits, bounded, until {@code t} (closing) waits for the fsync under way: in the log flusher, or
   * for group commit's fsync thread to end.
   */
  private static void awaitWaitingForTheFsync(Thread t) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    boolean waiting;
    while (!(waiting = waitingInFlusher(t)) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(waiting).as("close waits for the fsync under way").isTrue();
    assertThat(t.isAlive()).as("close cannot end before the fsync").isTrue();
  }

  private static boolean waitingInFlusher(Thread t) {
    return t.getState() == Thread.State.WAITING
        && java.util.Arrays.stream(t.getStackTrace())
            .anyMatch(f -> f.getClassName().endsWith(".LogFlusher") || f.getClassName().endsWith(".GroupCommit"));
  }
}
