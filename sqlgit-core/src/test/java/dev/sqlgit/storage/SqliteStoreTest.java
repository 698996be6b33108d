package dev.sqlgit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqlgit.ClosedException;
import dev.sqlgit.ExecResult;
import dev.sqlgit.Row;
import dev.sqlgit.StorageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest {
  @TempDir Path dir;
  Path file;
  SqliteStore store;

  record Note(long id, String body) {}

  @BeforeEach
  void open() {
    file = dir.resolve("sub/app.db");
    store = SqliteStore.open(file, StoreOptions.defaults());
    store.exec("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)");
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void readersAndWriterHaveTheRequiredPragmas() {
    // Outside tx the test thread reads on a reader connection; inside tx, on the writer.
    for (boolean onWriter : new boolean[] {false, true}) {
      List<Object> pragmas =
          onWriter ? store.tx(this::pragmas) : pragmas();
      assertThat(pragmas).as(onWriter ? "writer" : "reader").containsExactly("wal", 1L, 5000L, 1L);
    }
  }

  @Test
  void synchronousFullIsAnOption() {
    try (SqliteStore full =
        SqliteStore.open(dir.resolve("full.db"), StoreOptions.builder().synchronousFull(true).build())) {
      assertThat(full.one("PRAGMA synchronous", Long.class)).contains(2L);
      assertThat(full.tx(() -> full.one("PRAGMA synchronous", Long.class))).contains(2L);
    }
  }

  private List<Object> pragmas() {
    List<Object> out = new ArrayList<>();
    out.add(store.one("PRAGMA journal_mode").orElseThrow().value(0));
    out.add(store.one("PRAGMA synchronous").orElseThrow().value(0));
    out.add(store.one("PRAGMA busy_timeout").orElseThrow().value(0));
    out.add(store.one("PRAGMA foreign_keys").orElseThrow().value(0));
    return out;
  }

  @Test
  void foreignKeysAreEnforced() {
    store.exec("CREATE TABLE tags(note_id INTEGER REFERENCES notes(id))");
    assertThatThrownBy(() -> store.exec("INSERT INTO tags VALUES (42)"))
        .isInstanceOf(StorageException.class)
        .satisfies(e -> assertThat(((StorageException) e).resultCode()).isEqualTo(19));
  }

  @Test
  void execReturnsChangesAndLastIdAndQueriesMapRows() {
    ExecResult first = store.exec("INSERT INTO notes(body) VALUES (?)", "a");
    ExecResult second = store.exec("INSERT INTO notes(body) VALUES (?)", "b");
    assertThat(first).isEqualTo(new ExecResult(1, 1));
    assertThat(second).isEqualTo(new ExecResult(1, 2));
    assertThat(store.exec("UPDATE notes SET body = body || '!'").changes()).isEqualTo(2);

    assertThat(store.query("SELECT id, body FROM notes ORDER BY id"))
        .containsExactly(
            new Row(List.of("id", "body"), List.of(1L, "a!")),
            new Row(List.of("id", "body"), List.of(2L, "b!")));
    assertThat(store.query("SELECT * FROM notes ORDER BY id", Note.class))
        .containsExactly(new Note(1, "a!"), new Note(2, "b!"));
    assertThat(store.query("SELECT body FROM notes ORDER BY id", r -> r.getString("body")))
        .containsExactly("a!", "b!");
    assertThat(store.one("SELECT * FROM notes WHERE id = ?", Note.class, 2))
        .contains(new Note(2, "b!"));
    assertThat(store.one("SELECT * FROM notes WHERE id = ?", 3)).isEmpty();
    assertThat(store.one("SELECT count(*) FROM notes", r -> r.getLong("count(*)"))).contains(2L);
  }

  @Test
  void execScriptRunsEveryStatement() {
    store.execScript(
        "INSERT INTO notes(body) VALUES ('a'); -- first\n"
            + "INSERT INTO notes(body) VALUES ('b;c');\n");
    assertThat(store.query("SELECT body FROM notes ORDER BY id", String.class))
        .containsExactly("a", "b;c");
  }

  @Test
  void txCommitsWhenFnReturnsAndRollsBackWhenItThrows() {
    long id = store.tx(() -> store.exec("INSERT INTO notes(body) VALUES ('kept')").lastId());
    assertThatThrownBy(
            () ->
                store.tx(
                    () -> {
                      store.exec("INSERT INTO notes(body) VALUES ('undone')");
                      assertThat(store.query("SELECT * FROM notes")).hasSize(2); // read-your-writes
                      throw new IllegalStateException("boom");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("boom");
    assertThat(store.query("SELECT id FROM notes", Long.class)).containsExactly(id);
    assertThat(Committed.count(file, "notes")).isEqualTo(1);
  }

  @Test
  void nestedTxThatThrowsUndoesOnlyItself() {
    store.tx(
        () -> {
          store.exec("INSERT INTO notes(body) VALUES ('outer before')");
          assertThatThrownBy(
                  () ->
                      store.tx(
                          () -> {
                            store.exec("INSERT INTO notes(body) VALUES ('inner')");
                            throw new IllegalArgumentException("inner fails");
                          }))
              .hasMessage("inner fails");
          store.tx(() -> store.exec("INSERT INTO notes(body) VALUES ('inner ok')"));
          store.exec("INSERT INTO notes(body) VALUES ('outer after')");
        });
    assertThat(store.query("SELECT body FROM notes ORDER BY id", String.class))
        .containsExactly("outer before", "inner ok", "outer after");
  }

  @Test
  void aTransactionSqliteRolledBackRefusesFurtherWrites() {
    store.exec("INSERT INTO notes VALUES (1, 'committed')");
    assertThatThrownBy(
            () ->
                store.tx(
                    () -> {
                      store.exec("INSERT INTO notes VALUES (2, 'lost')");
                      // OR ROLLBACK makes SQLite end the whole transaction, not just the statement.
                      assertThatThrownBy(() -> store.exec("INSERT OR ROLLBACK INTO notes VALUES (1, 'dup')"))
                          .isInstanceOf(StorageException.class);
                      store.exec("INSERT INTO notes VALUES (3, 'would autocommit')");
                    }))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("rolled back the transaction");
    assertThat(store.query("SELECT id FROM notes", Long.class)).containsExactly(1L);
    // the writer is usable again
    store.tx(() -> store.exec("INSERT INTO notes VALUES (4, 'next')"));
    assertThat(store.query("SELECT id FROM notes ORDER BY id", Long.class)).containsExactly(1L, 4L);
  }

  @Test
  void aQueryThatWritesRunsOnTheWriter() {
    List<Row> rows = store.query("INSERT INTO notes(body) VALUES (?) RETURNING id", "returned");
    assertThat(rows).containsExactly(new Row(List.of("id"), List.of(1L)));
    assertThat(Committed.count(file, "notes")).isEqualTo(1);
  }

  @Test
  void readsFromOtherThreadsDoNotWaitForAnOpenTransaction() throws Exception {
    store.exec("INSERT INTO notes(body) VALUES ('committed')");
    CountDownLatch inTx = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<?> writer =
          threads.submit(
              () ->
                  store.tx(
                      () -> {
                        store.exec("INSERT INTO notes(body) VALUES ('pending')");
                        inTx.countDown();
                        await(release);
                      }));
      await(inTx);
      Future<List<String>> reader =
          threads.submit(() -> store.query("SELECT body FROM notes", String.class));
      // The writer lock is held until release; a read that waited for it would time out here.
      assertThat(reader.get(10, TimeUnit.SECONDS)).containsExactly("committed");
      release.countDown();
      writer.get(10, TimeUnit.SECONDS);
      assertThat(store.query("SELECT body FROM notes ORDER BY id", String.class))
          .containsExactly("committed", "pending");
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
  }

  @Test
  void concurrentWritersAllLand() throws Exception {
    int threads = 8;
    int perThread = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  String body = thread + ":" + i;
                  if (i % 2 == 0) {
                    store.exec("INSERT INTO notes(body) VALUES (?)", body);
                  } else {
                    store.tx(() -> store.exec("INSERT INTO notes(body) VALUES (?)", body));
                  }
                  assertThat(store.one("SELECT 1 FROM notes WHERE body = ?", body)).isPresent();
                }
              }));
    }
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(store.one("SELECT count(DISTINCT body) FROM notes", Long.class))
        .contains((long) threads * perThread);
  }

  @Test
  void closeIsIdempotentAndLaterCallsThrowClosed() {
    store.exec("INSERT INTO notes(body) VALUES ('a')");
    store.close();
    store.close();
    assertThatThrownBy(() -> store.query("SELECT * FROM notes")).isInstanceOf(ClosedException.class);
    assertThatThrownBy(() -> store.exec("DELETE FROM notes")).isInstanceOf(ClosedException.class);
    assertThatThrownBy(() -> store.tx(() -> 1)).isInstanceOf(ClosedException.class);
    try (SqliteStore again = SqliteStore.open(file, StoreOptions.defaults())) {
      assertThat(again.one("SELECT body FROM notes", String.class)).contains("a");
    }
  }

  @Test
  void flushMigrateAndCloseAreRefusedInsideTx() {
    store.tx(
        () -> {
          assertThatThrownBy(store::flush).isInstanceOf(IllegalStateException.class);
          assertThatThrownBy(() -> store.migrate("f", List.of("CREATE TABLE x(a)")))
              .isInstanceOf(IllegalStateException.class);
          assertThatThrownBy(store::close).isInstanceOf(IllegalStateException.class);
        });
    assertThat(store.query("SELECT 1", Long.class)).containsExactly(1L);
  }

  @Test
  void readerConnectionsArePooled() {
    for (int i = 0; i < 20; i++) {
      store.query("SELECT * FROM notes");
    }
    assertThat(store.openReaders()).isEqualTo(1);
  }

  @Test
  void optionsAreValidated() {
    assertThat(StoreOptions.defaults().writeQueue()).isFalse();
    assertThat(StoreOptions.defaults().synchronousFull()).isFalse();
    StoreOptions queued = StoreOptions.builder().writeQueue(10, Duration.ofMillis(5)).build();
    assertThat(queued).isEqualTo(new StoreOptions(true, 10, Duration.ofMillis(5), false));
    assertThatThrownBy(() -> StoreOptions.builder().writeQueue(0, Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StoreOptions.builder().writeQueue(1, Duration.ofMillis(-1)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StoreOptions.builder().writeQueue(1, null).build())
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void optionalMappingOfMissingRow() {
    Optional<Note> none = store.one("SELECT * FROM notes", Note.class);
    assertThat(none).isEmpty();
  }

  static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("latch not released within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
