package dev.sqlgit.internal.engine;

import dev.sqlgit.MasterLogBehindException;
import dev.sqlgit.PeerAction;
import dev.sqlgit.Resolver;
import dev.sqlgit.SyncReport;
import dev.sqlgit.UnknownActionException;
import dev.sqlgit.internal.log.PeerLogEntry;
import dev.sqlgit.internal.sqlite.SqliteDb;
import dev.sqlgit.ActionFailedException;
import dev.sqlgit.SchemaTooNewException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A non-master replica. Its state is the master state at the head it integrated plus its own
 * pending actions in log order, rebuilt from snapshot + logs on open (the reference path). Its
 * own log is the only file it writes.
 */
public final class PeerEngine implements Engine {
  private static final Logger LOG = LoggerFactory.getLogger(PeerEngine.class);

  private final ClusterStorage cluster;
  private final String peerId;
  private final String masterId;
  private final ActionCatalog actions;
  private final StateHolder state;
  private List<PeerAction> own;
  private long integratedHead;
  /** The log line of the integrated head ({@link MasterHistory#lineOf}), for the state file's marks. */
  private String anchor = "";
  /** Where {@link #anchor} was last seen in the master log. */
  private ClusterStorage.LinePosition anchorAt = ClusterStorage.LinePosition.UNKNOWN;
  private long nextSeq;
  private boolean ackedIntegratedHead;
  /** Always take the reference path (for differential tests). */
  private final boolean referenceOnly;
  private long syncsInPlace;
  private boolean rebuiltOnOpen;
  /** Held for each write when the state lives in files that other processes may open. */
  private WriterLock writerLock = WriterLock.NONE;
  /** Tables each pending own action wrote, by seq: a sync undoes them. */
  private final Map<Long, Set<String>> pendingTables = new HashMap<>();
  private final ChangedTables changed = new ChangedTables();
  /** Makes the own log durable after a submit batch, outside the writer lock (group commit). */
  private final LogFlusher flusher;

  private PeerEngine(
      ClusterStorage cluster,
      String peerId,
      String masterId,
      ActionCatalog actions,
      StateDb initial,
      boolean referenceOnly) {
    this.referenceOnly = referenceOnly;
    this.cluster = cluster;
    this.peerId = peerId;
    this.masterId = masterId;
    this.actions = actions;
    this.state = new StateHolder(initial);
    this.flusher = new LogFlusher(() -> cluster.forceLog(peerId), cluster.describe(peerId));
  }

  public static PeerEngine open(ClusterStorage cluster, String peerId, String masterId, ActionCatalog actions) {
    return open(cluster, peerId, masterId, actions, false, null);
  }

  /**
   * Opens a peer; with {@code referenceOnly}, every sync takes the reference path. With a {@code
   * stateDir}, the state lives in files there and is reused when its marks still match the logs;
   * without one, it is rebuilt in memory from snapshot + logs.
   */
  public static PeerEngine open(
      ClusterStorage cluster,
      String peerId,
      String masterId,
      ActionCatalog actions,
      boolean referenceOnly,
      java.nio.file.Path stateDir) {
    cluster.removeStaleTemps(peerId, false);
    long torn = cluster.repairOwnLog(peerId);
    if (torn > 0) {
      LOG.warn("{}: removed a torn last line ({} bytes) left by a crash mid-append", cluster.describe(peerId), torn);
    }
    cluster.ensureLog(peerId);
    if (stateDir == null) {
      return open(cluster, peerId, masterId, actions, referenceOnly, cluster.readPeerLog(peerId), null);
    }
    return WriterLock.open(stateDir, actions, peerId, (lock, file) -> {
      PeerEngine engine = open(cluster, peerId, masterId, actions, referenceOnly, cluster.readPeerLog(peerId), file);
      engine.writerLock = lock;
      return engine;
    });
  }

  /**
   * Runs a write holding the state directory's writer lock, first catching up with whatever
   * another process (or another engine of this one) committed since this engine last wrote: its
   * pending actions, head and seq counter are recovered from disk, never trusted from memory
   * (SPEC §6).
   */
  private <T> T exclusive(java.util.function.Supplier<T> body) {
    return writerLock.write(state, this::reload, body);
  }

  private void reload(StateDb file) {
    cluster.repairOwnLog(peerId);
    PeerEngine fresh = open(cluster, peerId, masterId, actions, referenceOnly, cluster.readPeerLog(peerId), file);
    own = fresh.own;
    integratedHead = fresh.integratedHead;
    anchor = fresh.anchor;
    anchorAt = fresh.anchorAt;
    nextSeq = fresh.nextSeq;
    ackedIntegratedHead = fresh.ackedIntegratedHead;
    pendingTables.clear();
    pendingTables.put(-1L, Set.of(ChangedTables.ALL)); // which tables the other writer's actions wrote is not known
    changed.add(Set.of(ChangedTables.ALL));
  }

  @Override
  public boolean knowsCommit(int counter) {
    return state.current().knowsCommit(counter);
  }

  private static PeerEngine open(
      ClusterStorage cluster,
      String peerId,
      String masterId,
      ActionCatalog actions,
      boolean referenceOnly,
      List<PeerLogEntry> entries,
      StateDb file) {
    Optional<StateMarks> marks =
        Optional.ofNullable(file).flatMap(StateMarks::read).filter(m -> m.replica().equals(peerId));
    // A state file that may still be good needs only the master log after the head it integrated.
    MasterHistory history = marks
        .flatMap(m -> MasterHistoryReads.readHistoryAfter(cluster, masterId, actions, m.head(), m.anchor(), m.anchorAt()))
        .orElseGet(() -> MasterHistoryReads.readHistory(cluster, masterId, actions));

    List<PeerAction> own = new ArrayList<>();
    PeerLogEntry.MasterAck lastAck = null;
    long maxSeq = 0;
    long maxBase = 0;
    for (PeerLogEntry e : entries) {
      if (e instanceof PeerLogEntry.Action) {
        PeerAction a = ((PeerLogEntry.Action) e).action();
        own.add(a);
        maxSeq = Math.max(maxSeq, a.seq());
        maxBase = Math.max(maxBase, a.baseMasterSeq());
      } else {
        lastAck = (PeerLogEntry.MasterAck) e;
        maxSeq = Math.max(maxSeq, lastAck.lastSeq());
      }
    }
    for (long s : history.incorporatedFrom(peerId)) {
      maxSeq = Math.max(maxSeq, s);
    }
    long integrated = Math.max(lastAck == null ? 0 : lastAck.masterSeq(), maxBase);
    if (integrated > history.head()) {
      throw new MasterLogBehindException(history.head(), integrated);
    }
    if (own.isEmpty()) {
      integrated = history.head(); // nothing pending: catch up with what is on disk
    }
    PeerOpening opening = new PeerOpening(cluster, peerId, history, own, integrated, maxSeq + 1,
        () -> MasterHistoryReads.readHistory(cluster, masterId, actions));
    StateDb initial = file == null ? opening.rebuild() : opening.fromStateFile(file, marks);
    PeerEngine engine = new PeerEngine(cluster, peerId, masterId, actions, initial, referenceOnly);
    engine.own = own;
    engine.pendingTables.putAll(opening.pendingTables);
    engine.rebuiltOnOpen = opening.rebuilt;
    engine.integratedHead = integrated;
    engine.anchor = history.lineOf(integrated);
    engine.anchorAt = history.positionOf(integrated);
    engine.nextSeq = maxSeq + 1;
    engine.ackedIntegratedHead = own.isEmpty() && lastAck != null && lastAck.masterSeq() == integrated;
    return engine;
  }

  /**
   * What a sync reads: the tail after the integrated head when the fast path can do with it (every
   * pending action was written on that head or later), else the whole history.
   */
  private MasterHistory historyForSync() {
    boolean tailWillDo = !referenceOnly && own.stream().allMatch(a -> a.baseMasterSeq() >= integratedHead);
    return (tailWillDo
            ? MasterHistoryReads.readHistoryAfter(cluster, masterId, actions, integratedHead, anchor, anchorAt)
            : Optional.<MasterHistory>empty())
        .orElseGet(() -> MasterHistoryReads.readHistory(cluster, masterId, actions));
  }

  @Override
  public Submitted submitAll(List<Submission> batch) {
    return exclusive(() -> submitAllExclusive(batch));
  }

  private Submitted submitAllExclusive(List<Submission> batch) {
    List<RuntimeException> results = new ArrayList<>(Collections.nCopies(batch.size(), null));
    StateDb current = state.current();
    List<PeerAction> accepted = new ArrayList<>();
    Set<String> written = new HashSet<>();
    state.write(
        () ->
            current.inTransaction(
                () -> {
                  written.addAll(current.applyOwnBatch(own -> {
                    long seq = nextSeq;
                    for (int i = 0; i < batch.size(); i++) {
                      Submission s = batch.get(i);
                      if (!actions.contains(s.name())) {
                        results.set(i, new UnknownActionException(s.name()));
                        continue;
                      }
                      PeerAction a = new PeerAction(seq, s.name(), s.params(), integratedHead, false, current.schemaVersion());
                      try {
                        own.apply(a);
                        accepted.add(a);
                        seq++;
                      } catch (ActionFailedException | SchemaTooNewException e) {
                        results.set(i, e); // its writes are rolled back; the others go on
                      }
                    }
                  }));
                  if (!accepted.isEmpty()) {
                    cluster.appendAllDeferred(peerId, accepted.stream().map(a -> (PeerLogEntry) new PeerLogEntry.Action(a)).toList());
                    mark(current, integratedHead, anchor, anchorAt);
                  }
                }));
    own.addAll(accepted);
    nextSeq += accepted.size();
    if (!accepted.isEmpty()) {
      // A sync undoes all pending actions together, so the batch's tables need not be told apart.
      pendingTables.put(accepted.get(0).seq(), written);
      changed.add(written);
      ackedIntegratedHead = false;
    }
    return new Submitted(results, accepted.isEmpty() ? 0 : flusher.appended());
  }

  @Override
  public SyncReport sync(Resolver resolver) {
    return exclusive(() -> syncExclusive(resolver));
  }

  private SyncReport syncExclusive(Resolver resolver) {
    MasterHistory read = historyForSync();
    if (read.head() < integratedHead) {
      throw new MasterLogBehindException(read.head(), integratedHead);
    }
    if (read.head() == integratedHead && ackedIntegratedHead) {
      return SyncReport.NOTHING; // nothing new from the master, and no own action is pending
    }
    if (!referenceOnly) {
      SyncReport[] fast = new SyncReport[1];
      state.write(() -> fast[0] = rebaseInPlace(read));
      if (fast[0] != null) {
        return fast[0];
      }
    }
    // The reference path needs the whole history.
    MasterHistory history = read.isTail() ? MasterHistoryReads.readHistory(cluster, masterId, actions) : read;
    if (history.head() < integratedHead) {
      throw new MasterLogBehindException(history.head(), integratedHead);
    }
    Rebase.Result result = new Rebase(peerId, history, resolver, nextSeq).run(own);
    try {
      cluster.rewritePeerLog(peerId, logAfter(result));
    } catch (RuntimeException e) {
      result.state().close();
      throw e;
    }
    Set<String> changedBySync = changedBy(history, result);
    install(result, history);
    changed.add(changedBySync);
    adopt(result, history);
    return result.report();
  }

  /**
   * The fast path: rebases the live state in place, writes the own log, commits. Returns null,
   * having changed nothing, when the reference path must do it (a conflict for the resolver).
   * Runs with readers held off, so none sees a half-rebased state.
   */
  private SyncReport rebaseInPlace(MasterHistory history) {
    var outcome = new InPlaceRebase(peerId, history, state.current(), integratedHead).run(own, nextSeq);
    if (outcome.isEmpty()) {
      return null;
    }
    Rebase.Result result = outcome.get().result();
    try {
      cluster.rewritePeerLog(peerId, logAfter(result));
      mark(state.current(), result.head(), history.lineOf(result.head()), history.positionOf(result.head()));
    } catch (RuntimeException e) {
      outcome.get().abort();
      throw e;
    }
    outcome.get().commit();
    syncsInPlace++;
    changed.add(changedBy(history, result));
    adopt(result, history);
    return result.report();
  }

  private static List<PeerLogEntry> logAfter(Rebase.Result result) {
    List<PeerLogEntry> log = new ArrayList<>();
    for (PeerAction a : result.kept()) {
      log.add(new PeerLogEntry.Action(a));
    }
    log.add(new PeerLogEntry.MasterAck(result.head(), result.nextSeq() - 1));
    return log;
  }

  /**
   * Makes a state rebuilt on the reference path current: swapped in for an in-memory state, copied
   * into the files of a persistent one (whose connections other readers may hold).
   */
  private void install(Rebase.Result result, MasterHistory history) {
    StateDb current = state.current();
    if (!current.persistent()) {
      state.replace(result.state());
      return;
    }
    try (StateDb rebuilt = result.state()) {
      state.write(() -> {
        current.adopt(rebuilt);
        current.inTransaction(
            () -> mark(current, result.head(), history.lineOf(result.head()), history.positionOf(result.head())));
      });
    }
  }

  /** Records in a state file what it now holds; call inside the transaction that changed it. */
  private void mark(StateDb s, long head, String headAnchor, ClusterStorage.LinePosition headAt) {
    if (s.persistent()) {
      new StateMarks(peerId, head, headAnchor, headAt, cluster.meta(peerId), Map.of()).write(s);
    }
  }

  private void adopt(Rebase.Result result, MasterHistory history) {
    anchor = history.lineOf(result.head());
    anchorAt = history.positionOf(result.head());
    own = new ArrayList<>(result.kept());
    integratedHead = result.head();
    nextSeq = result.nextSeq();
    ackedIntegratedHead = own.isEmpty();
  }

  /**
   * What a sync changed in the state: the new master actions, the own pending actions it undid,
   * and what it applied again (kept actions, mitigations).
   */
  private Set<String> changedBy(MasterHistory history, Rebase.Result result) {
    Set<String> tables = new HashSet<>();
    result.keptTables().values().forEach(tables::addAll);
    pendingTables.values().forEach(tables::addAll);
    pendingTables.clear();
    pendingTables.putAll(result.keptTables());
    if (integratedHead < history.snapshotHead()) {
      tables.add(ChangedTables.ALL); // the squashed actions' writes are unknown
      return tables;
    }
    for (var key : history.writesOf(history.actionsAfter(integratedHead))) {
      tables.add(key.table());
    }
    return tables;
  }

  /** How many syncs took the fast path (for tests and benchmarks). */
  public long syncsInPlace() {
    return syncsInPlace;
  }

  @Override
  public Set<String> takeChangedTables() {
    return changed.take();
  }

  @Override
  public boolean rebuiltOnOpen() {
    return rebuiltOnOpen;
  }

  @Override
  public long masterHead() {
    return integratedHead;
  }

  @Override
  public List<PeerAction> pending() {
    return List.copyOf(own);
  }

  @Override
  public <T> T read(Function<SqliteDb, T> body) {
    return state.read(body);
  }

  @Override
  public void awaitDurable(long logBatch) {
    flusher.awaitDurable(logBatch);
  }

  @Override
  public void close() {
    try {
      flusher.close();
    } finally {
      try {
        state.close();
      } finally {
        writerLock.close();
      }
    }
  }
}
