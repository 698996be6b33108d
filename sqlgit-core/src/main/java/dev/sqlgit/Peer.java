package dev.sqlgit;

import dev.sqlgit.internal.engine.ActionCatalog;
import dev.sqlgit.internal.engine.Engine;
import dev.sqlgit.internal.engine.GroupCommit;
import dev.sqlgit.internal.engine.MasterEngine;
import dev.sqlgit.internal.engine.PeerEngine;
import dev.sqlgit.internal.engine.Submission;
import dev.sqlgit.internal.engine.ClusterStorage;
import dev.sqlgit.internal.live.LiveRegistry;
import dev.sqlgit.internal.live.QuerySpec;
import dev.sqlgit.internal.live.RecordTable;
import dev.sqlgit.internal.sqlite.ReadOnlyDb;
import dev.sqlgit.internal.sqlite.CommitWatcher;
import dev.sqlgit.internal.sqlite.SqliteDb;
import dev.sqlgit.internal.sqlite.SqliteErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * One replica of a cluster: the master, which fixes the canonical order, or a peer, which rebases
 * its own actions onto the master's history.
 *
 * <pre>{@code
 * try (Peer peer = Peer.open(PeerOptions.builder()
 *         .root(Path.of("shared/cluster"))
 *         .peerId("bob").masterId("alice")
 *         .actions(actions)
 *         .build())) {
 *   peer.submit("add_note", new Note("n1", "hello"));
 *   SyncReport report = peer.sync(ctx -> Resolution.DROP);
 *   List<Row> rows = peer.db().query("SELECT * FROM notes");
 * }
 * }</pre>
 *
 * <p>Thread-safe. Writes ({@link #submit}, {@link #sync}) run one at a time; reads through {@link
 * #db()} run alongside them and never see an uncommitted or half-rebased state. A resolver runs
 * on the syncing thread and must not call {@code submit} or {@code sync} (use {@link
 * ConflictContext#submit}). Live queries ({@link #live}, {@link #find}, {@link #findAll}) re-run
 * after a submit or sync has committed, on the live executor, never on the writing thread.
 */
public final class Peer implements AutoCloseable {
  private final PeerOptions options;
  private final ActionCatalog actions;
  private final Engine engine;
  private final ClusterStorage cluster;
  private final ReentrantLock writer = new ReentrantLock();
  /** Writes submits: in batches on threads of its own (group commit), or in the calling thread. */
  private final GroupCommit groupCommit;
  /** Batches of submissions written, and the submissions in them (benchmarks); writer lock. */
  private long batchesWritten;
  private long submissionsWritten;
  private final Db readView;
  private final LiveRegistry live;
  /** Notices other processes' commits to the state file (null without one). */
  private final CommitWatcher otherWriters;
  private volatile boolean closed;
  private final Object closing = new Object();
  /** Why the log could not be made durable, after which this replica refuses writes; else null. */
  private volatile RuntimeException notDurable;

  /** How often to look for other processes' commits: short, and two pragmas when idle. */
  private static final java.time.Duration OTHER_WRITERS_POLL = java.time.Duration.ofMillis(50);

  private Peer(PeerOptions options, ActionCatalog actions, ClusterStorage cluster, Engine engine) {
    this.options = options;
    this.actions = actions;
    this.cluster = cluster;
    this.engine = engine;
    ReadOnlyDb.Access access =
        new ReadOnlyDb.Access() {
          @Override
          public <T> T read(Function<SqliteDb, T> body) {
            checkOpen();
            return engine.read(body);
          }
        };
    this.readView = new ReadOnlyDb(access);
    this.live = new LiveRegistry(options.peerId(), access, options.liveExecutor());
    this.otherWriters = options.stateDirectory().map(this::watchOtherWriters).orElse(null);
    this.groupCommit = new GroupCommit(options.peerId(), this::writeBatch, engine::awaitDurable, e -> notDurable = e);
  }

  /**
   * Re-runs every live query when another process on the same files commits (what it changed is
   * not known here). Polls only while some live query is open.
   */
  private CommitWatcher watchOtherWriters(Path stateDir) {
    return CommitWatcher.start(stateDir.resolve("state.db"), OTHER_WRITERS_POLL, options.peerId(),
        () -> live.size() > 0,
        counter -> {
          if (!closed && !engine.knowsCommit(counter)) {
            live.invalidateAll();
          }
        });
  }

  /**
   * Opens a replica: creates the cluster folders and this peer's log when missing, and rebuilds the
   * local state from the snapshot and the logs. A peer with no pending action catches up to the
   * master head on disk.
   *
   * @throws FileSyncLagException when the syncer delivered a squashed master log before its
   *     snapshot (transient: retry later)
   * @throws IntegrityException when a log is malformed; the message names file and line
   */
  public static Peer open(PeerOptions options) {
    // Escape hatch: -Dsqlgit.engine=reference makes every sync rebuild from snapshot + logs.
    return open(options, "reference".equals(System.getProperty("sqlgit.engine")));
  }

  /** Opens a replica; with {@code referenceEngine}, syncs always take the reference path (tests). */
  static Peer open(PeerOptions options, boolean referenceEngine) {
    Objects.requireNonNull(options, "options");
    options.stateDirectory().ifPresent(dir -> {
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw SqliteErrors.io("cannot create state folder", dir, e);
      }
    });
    ClusterStorage cluster =
        options.rootFolder().isPresent()
            ? ClusterStorage.folder(options.root())
            : ClusterStorage.in(options.logStore());
    ActionCatalog actions = options.actions().catalog();
    Path stateDir = options.stateDirectory().orElse(null);
    try {
      Engine engine =
          options.isMaster()
              ? MasterEngine.open(cluster, options.masterId(), actions, referenceEngine, stateDir)
              : PeerEngine.open(cluster, options.peerId(), options.masterId(), actions, referenceEngine, stateDir);
      try {
        return new Peer(options, actions, cluster, engine);
      } catch (RuntimeException | Error e) {
        engine.close();
        throw e;
      }
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * Applies action {@code name} to the local state and appends it to this replica's log. When it
   * returns, the action is durable (the log was fsynced).
   *
   * <p>With group commit (the default), concurrent submits share one transaction and one fsync:
   * the action runs on this replica's writer thread, not the caller's, and other readers may see
   * its effect a moment before its fsync ends (a machine crash in that window loses it, and this
   * call never returned normally). Without group commit, each submit runs in the calling thread
   * with a transaction and an fsync of its own.
   *
   * @param params anything Jackson can serialise (a record, a {@code Map}, a {@code JsonNode}); it
   *     travels as JSON and is bound back for the action, here and on every other replica
   * @throws UnknownActionException when {@code name} is not registered (nothing written)
   * @throws ActionFailedException when the action throws (rolled back, nothing logged)
   * @throws StorageException when the log could not be written, or made durable: after the latter
   *     this replica refuses every write until it is closed and opened again
   */
  public void submit(String name, Object params) {
    Objects.requireNonNull(name, "name");
    refuseInsideResolver();
    checkWritable();
    Submission submission = new Submission(name, actions.toJson(params));
    if (options.groupCommit()) {
      groupCommit.submit(submission);
    } else {
      throwFailure(groupCommit.writeDurably(List.of(submission)).get(0)); // one transaction and one fsync per submit
    }
  }

  /** Applies and logs a batch holding the writer; its lines are durable after {@link Engine#awaitDurable}. */
  private Engine.Submitted writeBatch(List<Submission> batch) {
    return withWriter(() -> {
      checkWritable();
      batchesWritten++;
      submissionsWritten += batch.size();
      return engine.submitAll(batch);
    });
  }

  private static void throwFailure(RuntimeException failure) {
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Syncs without a resolver. On the master: incorporates the other peers' new actions and
   * squashes. On a peer: rebases onto the master's history; a real conflict fails with {@link
   * UnresolvedConflictException} and leaves the peer exactly as it was.
   */
  public SyncReport sync() {
    return withWriter(() -> {
      checkWritable();
      return engine.sync(null);
    });
  }

  /**
   * Syncs, calling {@code resolver} for each pending action that really conflicts (peers only; the
   * master never calls it). On any failure the peer is left exactly as it was before the sync.
   *
   * @throws FileSyncLagException when the new snapshot has not arrived yet (transient)
   * @throws ResolutionException when the resolver answers FORCE on an ERROR, RETRY without a
   *     mitigation, or null
   */
  public SyncReport sync(Resolver resolver) {
    Objects.requireNonNull(resolver, "resolver (use sync() for none)");
    return withWriter(() -> {
      checkWritable();
      return engine.sync(resolver);
    });
  }

  /** A read-only view of the local state; it follows the state across syncs. Writes throw. */
  public Db db() {
    checkOpen();
    return readView;
  }

  /**
   * A live query over the local state: its result now ({@link LiveQuery#current()}) and each time a
   * committed submit or sync changes a table it reads (SPEC §5). Close it when done; closing the
   * peer closes it too.
   *
   * <pre>{@code
   * LiveQuery<List<Row>> notes = peer.live("SELECT id, body FROM notes ORDER BY id");
   * notes.subscribe(rows -> System.out.println(rows.size() + " notes"));
   * }</pre>
   *
   * @throws StorageException when the query fails on its first run (bad SQL, no such table)
   */
  public LiveQuery<List<Row>> live(String sql, Object... params) {
    checkOpen();
    return live.open(QuerySpec.rows(sql, params));
  }

  /**
   * A live query whose rows map to {@code recordType} as {@link Db#query(String, Class,
   * Object...)} maps them (a record, or a scalar for one column). An unchanged row keeps its
   * instance across results.
   */
  public <T> LiveQuery<List<T>> live(String sql, Class<T> recordType, Object... params) {
    checkOpen();
    return live.open(QuerySpec.mapped(sql, recordType, params));
  }

  /**
   * The live row of {@code type}'s table whose key is {@code id}, as a record (see {@link
   * dev.sqlgit.typed} for the table and key conventions); empty while there is none.
   *
   * @throws IllegalArgumentException when the record has no key, or its table does not exist
   */
  public <T extends Record> LiveQuery<Optional<T>> find(Class<T> type, Object id) {
    checkOpen();
    return live.open(RecordTable.resolve(type, readView).byId(id));
  }

  /** Every row of {@code type}'s table, live, in key order. */
  public <T extends Record> LiveQuery<List<T>> findAll(Class<T> type) {
    return findAll(type, null, null, 0);
  }

  /**
   * The rows of {@code type}'s table matching {@code where} (SQL with {@code ?} parameters, or
   * null for all), ordered by {@code orderBy} (SQL, or null for key order), at most {@code limit}
   * (0 for no limit), live. An unchanged row is the same record instance across results (an
   * identity map by primary key).
   */
  public <T extends Record> LiveQuery<List<T>> findAll(
      Class<T> type, String where, String orderBy, int limit, Object... params) {
    checkOpen();
    return live.open(RecordTable.resolve(type, readView).where(where, orderBy, limit, params));
  }

  /** Whether this replica is the cluster's master. */
  public boolean isMaster() {
    return options.isMaster();
  }

  /** This replica's id. */
  public String peerId() {
    return options.peerId();
  }

  /** On the master, its newest seq; on a peer, the master seq its state has integrated; 0 before any. */
  public long masterHead() {
    checkOpen();
    return withWriter(engine::masterHead);
  }

  /** This peer's own actions not yet known to be incorporated by the master, in log order. */
  public List<PeerAction> pending() {
    checkOpen();
    return withWriter(engine::pending);
  }

  /**
   * Makes every submit written so far durable (a submit still waiting for its fsync then returns
   * normally), releases the local state and closes the live queries (stopping the default live
   * thread). Idempotent; afterwards every method throws {@link ClosedException}.
   *
   * @throws StorageException when the log could not be made durable; everything is closed all the
   *     same
   */
  @Override
  public void close() {
    synchronized (closing) {
      if (closed) {
        return;
      }
      closed = true; // from now on group commit's batches fail with ClosedException (see writeBatch)
      groupCommit.close(); // not holding the writer: its last batch may be waiting for it
      writer.lock();
    }
    try {
      if (otherWriters != null) {
        otherWriters.close();
      }
      live.close();
      try {
        engine.close();
      } finally {
        cluster.close();
      }
    } finally {
      writer.unlock();
    }
  }

  /** Whether open rebuilt the state rather than reuse the state file (tests and benchmarks). */
  boolean rebuiltOnOpen() {
    return engine.rebuiltOnOpen();
  }

  /** Mean number of submissions per batch written so far, 0 before any (benchmarks). */
  double meanBatchSize() {
    return withWriter(() -> batchesWritten == 0 ? 0.0 : (double) submissionsWritten / batchesWritten);
  }

  /**
   * Submits action {@code name} once per element of {@code params} as one group-commit batch
   * written by the calling thread (benchmarks: the writer's cost with no other thread around).
   */
  void submitBatch(String name, List<?> params) {
    groupCommit.writeDurably(params.stream().map(p -> new Submission(name, actions.toJson(p))).toList())
        .forEach(Peer::throwFailure);
  }

  /** Syncs that rebased in place (tests and benchmarks; 0 on the master). */
  long syncsInPlace() {
    return engine instanceof PeerEngine ? ((PeerEngine) engine).syncsInPlace() : 0;
  }

  private void refuseInsideResolver() {
    if (writer.isHeldByCurrentThread()) {
      throw new IllegalStateException(
          "submit/sync called from inside a resolver; queue mitigations with ConflictContext.submit");
    }
  }

  private <T> T withWriter(java.util.function.Supplier<T> body) {
    refuseInsideResolver();
    writer.lock();
    try {
      checkOpen();
      return body.get();
    } finally {
      releaseWriter();
    }
  }

  /** Unlocks the writer and publishes what changed. */
  private void releaseWriter() {
    writer.unlock();
    publishChanges();
  }

  /**
   * After the outermost write, outside the lock: re-run exactly the live queries that read what
   * committed (never rolled-back or speculative work; the engine does not report it).
   */
  private void publishChanges() {
    if (!closed) {
      live.publish(engine::takeChangedTables);
    }
  }

  /** The live-query registry, for tests. */
  LiveRegistry liveQueries() {
    return live;
  }

  private void checkOpen() {
    if (closed) {
      throw new ClosedException("peer '" + options.peerId() + "'");
    }
  }

  /** Throws unless this replica takes writes: open, and its log never failed to be made durable. */
  private void checkWritable() {
    checkOpen();
    RuntimeException failure = notDurable;
    if (failure != null) {
      throw new StorageException("peer '" + options.peerId() + "' takes no more writes: its log could not be made"
          + " durable, so its state may hold actions that a crash would remove from the log; close it and open it"
          + " again (open checks the state against the logs)", -1, failure);
    }
  }

  @Override
  public String toString() {
    return "Peer[" + options.peerId() + (isMaster() ? ", master" : "") + " @ " + cluster.describe() + "]";
  }
}
