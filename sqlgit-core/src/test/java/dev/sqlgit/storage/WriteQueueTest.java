package dev.sqlgit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqlgit.ExecResult;
import dev.sqlgit.StorageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit: {@code StoreOptions.builder().writeQueue(maxBatch, maxDelay)}. */
class WriteQueueTest {
  /** Long enough that only maxBatch, flush or close ends a batch during a test. */
  static final Duration NEVER = Duration.ofHours(1);

  @TempDir Path dir;
  Path file;
  SqliteStore store;

  SqliteStore open(int maxBatch, Duration maxDelay) {
    file = dir.resolve("queued.db");
    store = SqliteStore.open(file, StoreOptions.builder().writeQueue(maxBatch, maxDelay).build());
    store.exec("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)");
    store.flush();
    return store;
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void writesCoalesceIntoOneCommitThatFlushMakesVisible() {
    open(1000, NEVER);
    long commitsBefore = store.commitCount();
    for (int i = 0; i < 10; i++) {
      store.exec("INSERT INTO notes(body) VALUES (?)", "n" + i);
    }
    assertThat(Committed.count(file, "notes")).isZero();
    assertThat(store.commitCount()).isEqualTo(commitsBefore);

    store.flush();

    assertThat(Committed.count(file, "notes")).isEqualTo(10);
    assertThat(store.commitCount()).isEqualTo(commitsBefore + 1);
  }

  @Test
  void withoutTheQueueEveryExecCommits() {
    file = dir.resolve("plain.db");
    store = SqliteStore.open(file, StoreOptions.defaults());
    store.exec("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)");
    long commitsBefore = store.commitCount();
    for (int i = 0; i < 10; i++) {
      store.exec("INSERT INTO notes(body) VALUES (?)", "n" + i);
    }
    assertThat(store.commitCount()).isEqualTo(commitsBefore + 10);
    assertThat(Committed.count(file, "notes")).isEqualTo(10);
  }

  @Test
  void execReturnsRealChangesAndLastIdBeforeTheBatchCommits() {
    open(1000, NEVER);
    assertThat(store.exec("INSERT INTO notes(body) VALUES ('a')")).isEqualTo(new ExecResult(1, 1));
    assertThat(store.exec("INSERT INTO notes(body) VALUES ('b')")).isEqualTo(new ExecResult(1, 2));
    assertThat(store.exec("UPDATE notes SET body = upper(body)").changes()).isEqualTo(2);
    assertThat(Committed.count(file, "notes")).isZero();
  }

  @Test
  void theWritingThreadReadsItsPendingRowsOtherThreadsSeeCommittedDataOnly() throws Exception {
    open(1000, NEVER);
    store.exec("INSERT INTO notes(body) VALUES ('committed')");
    store.flush();
    store.exec("INSERT INTO notes(body) VALUES ('pending')");

    assertThat(store.query("SELECT body FROM notes ORDER BY id", String.class))
        .containsExactly("committed", "pending");
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      assertThat(other.submit(() -> store.query("SELECT body FROM notes", String.class)).get(10, TimeUnit.SECONDS))
          .containsExactly("committed");
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void aThrowingTxRollsBackAloneAndTheRestOfTheBatchCommits() {
    open(1000, NEVER);
    long commitsBefore = store.commitCount();
    store.exec("INSERT INTO notes(body) VALUES ('before')");
    store.tx(() -> store.exec("INSERT INTO notes(body) VALUES ('tx ok')"));
    assertThatThrownBy(
            () ->
                store.tx(
                    () -> {
                      store.exec("INSERT INTO notes(body) VALUES ('tx undone')");
                      throw new IllegalStateException("command failed");
                    }))
        .hasMessage("command failed");
    assertThatThrownBy(() -> store.exec("INSERT INTO notes(id, body) VALUES (1, 'duplicate')"))
        .isInstanceOf(StorageException.class);
    store.exec("INSERT INTO notes(body) VALUES ('after')");

    store.flush();

    assertThat(store.query("SELECT body FROM notes ORDER BY id", String.class))
        .containsExactly("before", "tx ok", "after");
    assertThat(store.commitCount()).isEqualTo(commitsBefore + 1);
  }

  @Test
  void maxBatchWritesTriggerACommit() {
    open(3, NEVER);
    long commitsBefore = store.commitCount();
    store.exec("INSERT INTO notes(body) VALUES ('1')");
    store.tx(() -> store.exec("INSERT INTO notes(body) VALUES ('2')"));
    assertThat(Committed.count(file, "notes")).isZero();
    store.exec("INSERT INTO notes(body) VALUES ('3')");
    assertThat(Committed.count(file, "notes")).isEqualTo(3);
    store.exec("INSERT INTO notes(body) VALUES ('4')");
    assertThat(Committed.count(file, "notes")).isEqualTo(3);
    assertThat(store.commitCount()).isEqualTo(commitsBefore + 1);
  }

  @Test
  void maxDelayCommitsOnTheTimerThread() {
    open(1000, Duration.ofMillis(5));
    store.exec("INSERT INTO notes(body) VALUES ('timed')");
    Committed.await("the timer committed the batch", () -> Committed.count(file, "notes") == 1);
    assertThat(Thread.getAllStackTraces().keySet())
        .anySatisfy(t -> assertThat(t.getName()).isEqualTo("sqlgit-writequeue-queued.db"));
  }

  @Test
  void closeCommitsDurably() {
    open(1000, NEVER);
    store.exec("INSERT INTO notes(body) VALUES ('pending at close')");
    store.close();
    try (SqliteStore reopened = SqliteStore.open(file, StoreOptions.defaults())) {
      assertThat(reopened.query("SELECT body FROM notes", String.class))
          .containsExactly("pending at close");
    }
  }

  @Test
  void migrationsFlushTheBatchAndNeverJoinOne() {
    open(1000, NEVER);
    store.exec("INSERT INTO notes(body) VALUES ('pending')");
    store.migrate("tags", List.of("CREATE TABLE tags(name TEXT)"));
    assertThat(Committed.count(file, "notes")).isEqualTo(1);
    assertThat(Committed.count(file, "tags")).isZero(); // committed: the table exists
    store.exec("INSERT INTO tags VALUES ('x')");
    assertThat(Committed.count(file, "tags")).isZero();
  }

  @Test
  void aBatchSqliteRolledBackIsReportedByFlush() {
    open(1000, NEVER);
    store.exec("INSERT INTO notes VALUES (1, 'committed')");
    store.flush();
    store.exec("INSERT INTO notes VALUES (2, 'in the lost batch')");
    assertThatThrownBy(() -> store.exec("INSERT OR ROLLBACK INTO notes VALUES (1, 'dup')"))
        .isInstanceOf(StorageException.class);

    assertThatThrownBy(store::flush)
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("write queue")
        .hasMessageContaining("not kept");
    store.flush(); // reported once
    assertThat(store.query("SELECT id FROM notes", Long.class)).containsExactly(1L);
    store.exec("INSERT INTO notes VALUES (3, 'next batch')");
    store.flush();
    assertThat(Committed.count(file, "notes")).isEqualTo(2);
  }

  @Test
  void readsFromOtherThreadsDoNotBlockWhileABatchIsOpenAndTheWriterBusy() throws Exception {
    open(1000, NEVER);
    store.exec("INSERT INTO notes(body) VALUES ('committed')");
    store.flush();
    store.exec("INSERT INTO notes(body) VALUES ('pending')");
    CountDownLatch inTx = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<?> holder =
          threads.submit(
              () ->
                  store.tx(
                      () -> {
                        inTx.countDown();
                        SqliteStoreTest.await(release);
                      }));
      SqliteStoreTest.await(inTx);
      Future<List<String>> reader =
          threads.submit(() -> store.query("SELECT body FROM notes", String.class));
      assertThat(reader.get(10, TimeUnit.SECONDS)).containsExactly("committed");
      release.countDown();
      holder.get(10, TimeUnit.SECONDS);
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
  }

  @Test
  void concurrentWritersAllLand() throws Exception {
    open(16, Duration.ofMillis(1));
    int threads = 8;
    int perThread = 100;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  String body = thread + ":" + i;
                  long id =
                      i % 3 == 0
                          ? store.tx(() -> store.exec("INSERT INTO notes(body) VALUES (?)", body).lastId())
                          : store.exec("INSERT INTO notes(body) VALUES (?)", body).lastId();
                  // read-your-writes, whether or not the batch committed meanwhile
                  assertThat(store.one("SELECT body FROM notes WHERE id = ?", String.class, id))
                      .contains(body);
                }
              }));
    }
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    store.flush();
    assertThat(Committed.count(file, "notes")).isEqualTo((long) threads * perThread);
    assertThat(store.one("SELECT count(DISTINCT body) FROM notes", Long.class))
        .contains((long) threads * perThread);
  }
}
