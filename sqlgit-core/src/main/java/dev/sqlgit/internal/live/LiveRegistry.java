package dev.sqlgit.internal.live;

import dev.sqlgit.ClosedException;
import dev.sqlgit.LiveQuery;
import dev.sqlgit.internal.sqlite.QueryTables;
import dev.sqlgit.internal.sqlite.ReadOnlyDb;
import dev.sqlgit.internal.sqlite.SqliteDb;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One peer's live queries: it registers them, marks dirty exactly those that read a table a
 * committed change touched, and owns the live executor they re-run and deliver on (by default one
 * daemon thread, {@code sqlgit-live-<peerId>}, started with the first query).
 *
 * <p>Change signals: the peer calls {@link #publish} after its outermost write has committed and
 * released the writer lock, with the engine's {@code takeChangedTables()}. {@link #tablesChanged}
 * and {@link #invalidateAll} take the same signal from elsewhere: they are the entry points for
 * commits this process did not make (another process writing the same state file, e.g. detected by
 * polling {@code PRAGMA data_version}; SPEC §6), which arrive with the persistent state.
 *
 * <p>Schema changes: a redefined view changes what a query reads without touching any table it
 * read before, so every change signal also compares the schema generation ({@link QueryTables});
 * when the schema moved, every query re-runs and recomputes its dependencies.
 *
 * <p>Thread-safe. The registry's lock guards only its list; queries are snapshotted under it and
 * invalidated outside it. The registry never calls a subscriber.
 */
public final class LiveRegistry implements AutoCloseable {
  /** Stands for "every table" in a change set (the engine's {@code ChangedTables.ALL}). */
  public static final String ALL = "*";

  private static final long UNSET = Long.MIN_VALUE;

  private final String peerId;
  private final ReadOnlyDb.Access access;
  private final Executor configured;
  private final QueryTables queryTables = new QueryTables();
  private final Object lock = new Object();
  private final Object publishLock = new Object();
  private final List<RegisteredQuery<?, ?>> queries = new ArrayList<>();
  private ExecutorService owned; // guarded by lock
  private long generation = UNSET; // guarded by lock
  private volatile boolean closed;

  /**
   * @param access reads the replica's current state (stable for one call)
   * @param executor where queries re-run and subscribers are called; null for a daemon thread
   */
  public LiveRegistry(String peerId, ReadOnlyDb.Access access, Executor executor) {
    this.peerId = peerId;
    this.access = access;
    this.configured = executor;
  }

  /**
   * Registers a live query and runs it once on the calling thread.
   *
   * @throws ClosedException when the registry is closed
   * @throws RuntimeException what the first run threw (a {@code StorageException} for bad SQL)
   */
  public <E, R> LiveQuery<R> open(QuerySpec<E, R> spec) {
    long g = read(queryTables::schemaGeneration);
    RegisteredQuery<E, R> query = new RegisteredQuery<>(this, spec);
    synchronized (lock) {
      checkOpen();
      if (generation == UNSET) {
        generation = g;
      }
      queries.add(query); // before the first run, so no commit after that run is missed
    }
    try {
      query.start();
    } catch (RuntimeException e) {
      query.close();
      throw e;
    }
    return query;
  }

  /**
   * Takes the committed changes and invalidates what they touched, one publisher at a time, so
   * that when a writer's call returns its own changes are marked (read-your-writes for {@code
   * current()}) even if another writer drained them.
   */
  public void publish(Supplier<Set<String>> changes) {
    synchronized (publishLock) {
      tablesChanged(changes.get());
    }
  }

  /**
   * Marks dirty every query that reads one of {@code tables} (lower-case; {@link #ALL} for all),
   * and schedules their re-runs. Cheap: set intersections, plus one schema-generation read.
   */
  public void tablesChanged(Set<String> tables) {
    if (tables.isEmpty()) {
      return;
    }
    List<RegisteredQuery<?, ?>> snapshot = snapshot();
    if (snapshot.isEmpty()) {
      return;
    }
    boolean all;
    try {
      all = tables.contains(ALL) || schemaMoved();
    } catch (ClosedException e) {
      return; // the peer closed under us: its queries are closing too
    } catch (RuntimeException e) {
      all = true; // cannot tell whether the schema moved: re-run everything rather than miss it
    }
    for (RegisteredQuery<?, ?> q : snapshot) {
      if (all || q.readsAny(tables)) {
        q.invalidate();
      }
    }
  }

  /** Marks every query dirty ("everything may have changed"). */
  public void invalidateAll() {
    tablesChanged(Set.of(ALL));
  }

  /** The number of open live queries. */
  public int size() {
    synchronized (lock) {
      return queries.size();
    }
  }

  /** Closes every query (Flow subscribers complete) and stops the executor it owns. Idempotent. */
  @Override
  public void close() {
    List<RegisteredQuery<?, ?>> toClose;
    ExecutorService toStop;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>(queries);
      queries.clear();
      toStop = owned;
    }
    toClose.forEach(RegisteredQuery::closeDeliveries);
    if (toStop != null) {
      toStop.shutdown(); // queued deliveries (onComplete) still run; the daemon thread then ends
    }
  }

  boolean isClosed() {
    return closed;
  }

  void remove(RegisteredQuery<?, ?> query) {
    synchronized (lock) {
      queries.remove(query);
    }
  }

  <T> T read(Function<SqliteDb, T> body) {
    return access.read(body);
  }

  QueryTables queryTables() {
    return queryTables;
  }

  Executor executor() {
    if (configured != null) {
      return configured;
    }
    synchronized (lock) {
      checkOpen();
      if (owned == null) {
        owned = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "sqlgit-live-" + peerId);
          t.setDaemon(true);
          return t;
        });
      }
      return owned;
    }
  }

  private boolean schemaMoved() {
    long g = read(queryTables::schemaGeneration);
    synchronized (lock) {
      boolean moved = generation != UNSET && g != generation;
      generation = g;
      return moved;
    }
  }

  private List<RegisteredQuery<?, ?>> snapshot() {
    synchronized (lock) {
      return new ArrayList<>(queries);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new ClosedException("live queries of peer '" + peerId + "'");
    }
  }
}
