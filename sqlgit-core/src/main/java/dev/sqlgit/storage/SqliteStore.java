package dev.sqlgit.storage;

import dev.sqlgit.ClosedException;
import dev.sqlgit.ExecResult;
import dev.sqlgit.Row;
import dev.sqlgit.RowMapper;
import dev.sqlgit.StorageException;
import dev.sqlgit.internal.sqlite.ScriptSplitter;
import dev.sqlgit.internal.sqlite.SqliteDb;
import dev.sqlgit.internal.sqlite.SqliteErrors;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link Store} on one SQLite file. The file is opened with {@code journal_mode=WAL}, {@code
 * synchronous=NORMAL} (FULL with {@link StoreOptions#synchronousFull()}), {@code busy_timeout=5000}
 * and {@code foreign_keys=ON}; statements are prepared once and cached per connection.
 *
 * <pre>{@code
 * try (SqliteStore store = SqliteStore.open(Path.of("app.db"),
 *     StoreOptions.builder().writeQueue(256, Duration.ofMillis(2)).build())) {
 *   store.exec("INSERT INTO events(kind) VALUES (?)", "click"); // returns before it commits
 *   store.flush();                                              // now it is committed
 * }
 * }</pre>
 *
 * <p><b>Connections.</b> One writer connection, serialised by a lock, runs every write and every
 * {@code tx}. Reads go to the writer when the calling thread is inside {@code tx} or wrote in the
 * batch that is still open (read-your-writes); every other read runs on a read-only connection from
 * a small pool, sees the last commit, and never waits for the writer (WAL). A query that turns out
 * to write ({@code INSERT … RETURNING}) is rerun as a write.
 *
 * <p><b>Write queue off</b> (the default): each {@code exec} outside {@code tx} is its own
 * transaction, and {@code tx} is {@code BEGIN IMMEDIATE … COMMIT} (nested: a savepoint).
 *
 * <p><b>Write queue on</b> (group commit): the first write opens a transaction that later writes
 * from any thread join; each {@code tx} is a savepoint in it, so one that throws undoes only
 * itself. The batch commits once (one fsync) when it holds {@code maxBatch} writes, {@code
 * maxDelay} after it opened (on the daemon thread {@code sqlgit-writequeue-<file>}), or at {@link
 * #flush()}/{@link #close()}. {@code exec} still returns real changes and lastId. <em>Durability
 * window:</em> a write returns before its batch commits; a crash in that window loses the batch
 * (SQLite rolls the open transaction back cleanly on the next open, without corruption). A batch
 * that fails to commit loses all its writes, and the next {@code flush()} throws. Deferred foreign
 * keys are checked at the batch's commit, so one violation fails the whole batch. Other threads'
 * reads do not see a batch until it commits. Migrations never batch: {@link #migrate} flushes and
 * commits each entry on its own.
 *
 * <p><b>Throughput.</b> With the queue off each {@code exec} costs a commit; with it on, a commit
 * per {@code maxBatch} writes: compare {@code exec} in a loop, then {@code flush()}, in both modes.
 *
 * <p>Thread-safe. {@code close()} waits for a running {@code tx}, commits, and is idempotent; any
 * later call throws {@link ClosedException}.
 */
public final class SqliteStore implements Store {
  private static final int IDLE_READERS = 4;

  private enum State {
    OPEN,
    CLOSED
  }

  private final Path file;
  private final Writer writer;
  private final Readers readers;
  private final WriteQueue queue; // null when the write queue is off
  private final Migrations migrations;
  private volatile State state = State.OPEN;

  private SqliteStore(Path file, StoreOptions options) {
    Connections connections = new Connections(file, options.synchronousFull());
    this.file = connections.file();
    this.writer = new Writer(connections.openWriter(), this.file.toString());
    this.readers = new Readers(connections::openReader, IDLE_READERS, this.file.toString());
    this.queue =
        options.writeQueue()
            ? new WriteQueue(
                writer, options.maxBatch(), options.maxDelay(), this.file.getFileName().toString())
            : null;
    this.migrations = new Migrations(writer);
  }

  /**
   * Opens (creating when missing, folders included) the database at {@code file}.
   *
   * @throws dev.sqlgit.StorageException when the file cannot be opened or switched to WAL
   */
  public static SqliteStore open(Path file, StoreOptions options) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(options, "options");
    return new SqliteStore(file, options);
  }

  /** The database file, absolute. */
  public Path file() {
    return file;
  }

  @Override
  public List<Row> query(String sql, Object... params) {
    return read(db -> db.query(sql, params));
  }

  @Override
  public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
    return read(db -> db.query(sql, mapper, params));
  }

  @Override
  public <T> List<T> query(String sql, Class<T> type, Object... params) {
    return read(db -> db.query(sql, type, params));
  }

  @Override
  public Optional<Row> one(String sql, Object... params) {
    return read(db -> db.one(sql, params));
  }

  @Override
  public <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... params) {
    return read(db -> db.one(sql, mapper, params));
  }

  @Override
  public <T> Optional<T> one(String sql, Class<T> type, Object... params) {
    return read(db -> db.one(sql, type, params));
  }

  @Override
  public ExecResult exec(String sql, Object... params) {
    return write(() -> writer.statement(() -> writer.db().exec(sql, params)));
  }

  /** Runs the statements one by one as {@link #exec} would; wrap in {@code tx} for atomicity. */
  @Override
  public void execScript(String sql) {
    List<String> statements = ScriptSplitter.split(sql);
    write(
        () -> {
          for (String statement : statements) {
            writer.statement(() -> writer.db().exec(statement));
          }
          return null;
        });
  }

  @Override
  public <T> T tx(Supplier<T> fn) {
    Objects.requireNonNull(fn, "fn");
    writer.lock();
    try {
      checkOpen();
      if (writer.inTx()) {
        return writer.savepoint(fn);
      }
      return queue != null ? queue.write(() -> writer.savepoint(fn)) : writer.transaction(fn);
    } finally {
      writer.unlock();
    }
  }

  @Override
  public void migrate(String feature, List<String> migrations) {
    if (feature == null || feature.isBlank()) {
      throw new IllegalArgumentException("feature must be a non-blank name");
    }
    List<String> entries = List.copyOf(migrations);
    writer.lock();
    try {
      checkOpen();
      requireOutsideTx("migrate");
      if (queue != null) {
        queue.flush(); // migrations never batch: commit pending writes first
      }
      this.migrations.apply(feature, entries);
    } finally {
      writer.unlock();
    }
  }

  @Override
  public void flush() {
    writer.lock();
    try {
      checkOpen();
      requireOutsideTx("flush");
      if (queue != null) {
        queue.flush();
      }
    } finally {
      writer.unlock();
    }
  }

  @Override
  public void close() {
    writer.lock();
    try {
      if (state == State.CLOSED) {
        return;
      }
      requireOutsideTx("close");
      state = State.CLOSED;
      try {
        if (queue != null) {
          queue.close();
        }
      } finally {
        readers.close();
        writer.close();
      }
    } finally {
      writer.unlock();
    }
  }

  /** Commits SQLite made on the writer connection so far, autocommit statements included. */
  long commitCount() {
    return writer.commits();
  }

  /** Reader connections open now (for tests). */
  int openReaders() {
    return readers.openCount();
  }

  @Override
  public String toString() {
    return "SqliteStore[" + file + "]";
  }

  private <T> T read(Function<SqliteDb, T> body) {
    checkOpen();
    if (writer.isHeldByCurrentThread()
        || (queue != null && queue.hasPendingWritesOfCurrentThread())) {
      return onWriter(() -> writer.statement(() -> body.apply(writer.db())));
    }
    try {
      return readers.read(body);
    } catch (StorageException e) {
      if (e.resultCode() != SqliteErrors.READONLY) {
        throw e;
      }
      // A "query" that writes (INSERT … RETURNING): a read-only connection refused it before it
      // changed anything, so run it where writes go.
      return write(() -> writer.statement(() -> body.apply(writer.db())));
    }
  }

  // A read that must see the writer's pending work; it joins no batch.
  private <T> T onWriter(Supplier<T> read) {
    writer.lock();
    try {
      checkOpen();
      return read.get();
    } finally {
      writer.unlock();
    }
  }

  // Runs one write: inside the caller's tx when there is one, else in the batch or on its own.
  private <T> T write(Supplier<T> statement) {
    writer.lock();
    try {
      checkOpen();
      if (writer.inTx() || queue == null) {
        return statement.get();
      }
      return queue.write(statement);
    } finally {
      writer.unlock();
    }
  }

  private void requireOutsideTx(String what) {
    if (writer.inTx()) {
      throw new IllegalStateException(what + " cannot run inside tx(fn)");
    }
  }

  private void checkOpen() {
    if (state != State.OPEN) {
      throw new ClosedException("store " + file);
    }
  }
}
