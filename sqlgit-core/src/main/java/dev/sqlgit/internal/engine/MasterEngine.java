package dev.sqlgit.internal.engine;

import dev.sqlgit.ActionFailedException;
import dev.sqlgit.IntegrityException;
import dev.sqlgit.MasterAction;
import dev.sqlgit.PeerAction;
import dev.sqlgit.Resolver;
import dev.sqlgit.Source;
import dev.sqlgit.SyncReport;
import dev.sqlgit.UnknownActionException;
import dev.sqlgit.internal.log.MasterLog;
import dev.sqlgit.internal.log.MasterLogEntry;
import dev.sqlgit.internal.sqlite.Footprint;
import dev.sqlgit.internal.sqlite.SqliteDb;
import dev.sqlgit.SchemaTooNewException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master replica: it fixes the canonical order. Its state is snapshot + master log, rebuilt on
 * open (the reference path); it writes the master log and {@code snapshot.db}, nothing else.
 */
public final class MasterEngine implements Engine {
  private static final Logger LOG = LoggerFactory.getLogger(MasterEngine.class);

  private final ClusterStorage cluster;
  private final String masterId;
  private final ActionCatalog actions;
  private MasterHistory history;
  /**
   * How many recent entries a master with a state file keeps in memory; older ones are read back
   * from the log on the rare occasion something reaches that far (a peer long offline, a squash).
   */
  static final int HISTORY_KEPT = Integer.getInteger("sqlgit.master.historyKept", 10_000);
  private final StateHolder state;
  /** Held for each write when the state lives in files that other processes may open. */
  private WriterLock writerLock = WriterLock.NONE;
  /** The newest ack recorded per peer. */
  private final Map<String, Long> acks = new HashMap<>();
  private final ChangedTables changed = new ChangedTables();
  /** Makes the own log durable after a submit batch, outside the writer lock (group commit). */
  private final LogFlusher flusher;
  /** Always check on rebuilt copies (for differential tests). */
  private final boolean referenceOnly;
  /** Where the line of the head action is in the master log, when known (for the marks). */
  private ClusterStorage.LinePosition headAt = ClusterStorage.LinePosition.UNKNOWN;
  private boolean rebuiltOnOpen = true;

  private MasterEngine(
      ClusterStorage cluster,
      String masterId,
      ActionCatalog actions,
      MasterHistory history,
      StateDb initial,
      Map<String, Long> acks,
      boolean referenceOnly) {
    this.referenceOnly = referenceOnly;
    this.cluster = cluster;
    this.masterId = masterId;
    this.actions = actions;
    this.history = history;
    this.state = new StateHolder(initial);
    this.flusher = new LogFlusher(() -> cluster.forceLog(masterId), cluster.describe(masterId));
    this.acks.putAll(acks);
  }

  private static Map<String, Long> acksIn(MasterLog log) {
    Map<String, Long> acks = new HashMap<>();
    for (MasterLogEntry e : log.entries()) {
      if (e instanceof MasterLogEntry.PeerAck ack) {
        acks.merge(ack.peer(), ack.masterSeq(), Math::max);
      }
    }
    return acks;
  }

  public static MasterEngine open(ClusterStorage cluster, String masterId, ActionCatalog actions) {
    return open(cluster, masterId, actions, false, null);
  }

  /**
   * Opens the master; with {@code referenceOnly}, incorporation always checks on rebuilt copies.
   * With a {@code stateDir}, the state lives in files there and is reused when its marks still
   * match the master log; without one, it is rebuilt in memory from snapshot + log.
   */
  public static MasterEngine open(
      ClusterStorage cluster, String masterId, ActionCatalog actions, boolean referenceOnly, java.nio.file.Path stateDir) {
    cluster.removeStaleTemps(masterId, true);
    long torn = cluster.repairOwnLog(masterId);
    if (torn > 0) {
      LOG.warn("{}: removed a torn last line ({} bytes) left by a crash mid-append", cluster.describe(masterId), torn);
    }
    cluster.ensureLog(masterId);
    if (stateDir == null) {
      MasterLog log = cluster.readMasterLog(masterId);
      MasterHistory history = completeHistory(cluster, masterId, actions, log);
      return new MasterEngine(
          cluster, masterId, actions, history, rebuild(cluster, masterId, history), acksIn(log), referenceOnly);
    }
    return WriterLock.open(stateDir, actions, masterId, (lock, file) -> {
      MasterEngine engine = openOn(cluster, masterId, actions, referenceOnly, file);
      engine.writerLock = lock;
      return engine;
    });
  }

  /** Opens the master on its state file: taken as it is when its marks match the log, else rebuilt. */
  private static MasterEngine openOn(
      ClusterStorage cluster, String masterId, ActionCatalog actions, boolean referenceOnly, StateDb file) {
    // The master log is its own: the state matches it when the head's line is where the marks say
    // and only acks follow (a crash between a log write and the state commit leaves an action).
    Optional<StateMarks> marks = StateMarks.read(file).filter(m -> m.replica().equals(masterId));
    Optional<ClusterStorage.MasterLogTail> after = referenceOnly || marks.isEmpty() || marks.get().anchor().isEmpty()
        ? Optional.empty()
        : cluster.readMasterLogAfter(masterId, marks.get().head(), marks.get().anchor(), marks.get().anchorAt());
    Optional<MasterHistory> tail = after.flatMap(t -> tailAt(cluster, masterId, actions, marks.get(), t));
    if (tail.isPresent()) {
      // The file holds exactly what the log says: read nothing before its head.
      tail.get().recordedWritesIn(seq -> file.journal().writesOf(seq));
      Map<String, Long> acks = new HashMap<>(marks.get().acks());
      acks.putAll(acksIn(after.get().log())); // acks appended after the last state commit
      MasterEngine engine = new MasterEngine(cluster, masterId, actions, tail.get(), file, acks, referenceOnly);
      engine.headAt = tail.get().positionOf(tail.get().head());
      engine.rebuiltOnOpen = false;
      return engine;
    }
    MasterLog log = cluster.readMasterLog(masterId);
    MasterHistory history = completeHistory(cluster, masterId, actions, log);
    history.recordedWritesIn(seq -> file.journal().writesOf(seq));
    boolean trusted = marks
        .filter(m -> m.head() == history.head()
            && (m.head() == history.snapshotHead() || history.lineOf(m.head()).equals(m.anchor())))
        .isPresent();
    if (!trusted) {
      LOG.info("{}: building its state file from snapshot + log (new, or out of step with the log)",
          cluster.describe(masterId));
      try (StateDb rebuilt = rebuild(cluster, masterId, history)) {
        file.adopt(rebuilt);
      }
    }
    MasterEngine engine = new MasterEngine(cluster, masterId, actions, history, file, acksIn(log), referenceOnly);
    if (!trusted) {
      file.inTransaction(() -> engine.mark(file));
    }
    engine.rebuiltOnOpen = !trusted;
    return engine;
  }

  /**
   * Runs a write holding the state directory's writer lock, first catching up with whatever
   * another process (or another engine of this one) committed since this engine last wrote:
   * counters and history are recovered from disk, never trusted from memory (SPEC §6).
   */
  private <T> T exclusive(java.util.function.Supplier<T> body) {
    return writerLock.write(state, this::reload, body);
  }

  private void reload(StateDb file) {
    cluster.repairOwnLog(masterId);
    MasterEngine fresh = openOn(cluster, masterId, actions, referenceOnly, file);
    history = fresh.history;
    acks.clear();
    acks.putAll(fresh.acks);
    changed.add(Set.of(ChangedTables.ALL)); // what the other writer changed is not known here
  }

  @Override
  public boolean knowsCommit(int counter) {
    return state.current().knowsCommit(counter);
  }

  /** Snapshot + master log as a complete history, checked to belong together. */
  private static MasterHistory completeHistory(ClusterStorage cluster, String masterId, ActionCatalog actions, MasterLog log) {
    long snapshotHead = cluster.snapshotHead();
    if (log.snapshotMarker() > snapshotHead) {
      throw new IntegrityException(
          "the snapshot of " + cluster.describe() + " is at seq " + snapshotHead + " but the master log was squashed to "
              + log.snapshotMarker() + "; restore the snapshot that goes with this log");
    }
    if (log.head() < snapshotHead) {
      throw new IntegrityException(
          cluster.describe(masterId) + " ends at seq " + log.head() + ", behind the snapshot at " + snapshotHead);
    }
    // A crash between writing the snapshot and trimming the log leaves actions the snapshot covers.
    return new MasterHistory(
        actions,
        () -> SnapshotImage.stateOf(cluster.readSnapshot().orElse(null), actions.migrations()),
        snapshotHead,
        log.actions());
  }

  /**
   * The history after the head a trusted state file holds, when the log still ends with that head's
   * line (only acks after it) and the snapshot is not past it; empty when the whole must be read.
   */
  private static Optional<MasterHistory> tailAt(ClusterStorage cluster, String masterId, ActionCatalog actions,
      StateMarks marks, ClusterStorage.MasterLogTail after) {
    long snapshotHead = cluster.snapshotHead();
    if (!after.log().actions().isEmpty() || after.log().snapshotMarker() > snapshotHead || snapshotHead > marks.head()) {
      return Optional.empty();
    }
    return Optional.of(MasterHistory.tail(actions, snapshotHead, marks.head(), marks.anchor(), List.of(),
        after.actionPositions(), () -> completeHistory(cluster, masterId, actions, cluster.readMasterLog(masterId))));
  }

  /** The reference path: the snapshot plus every action after it, each journaled. */
  private static StateDb rebuild(ClusterStorage cluster, String masterId, MasterHistory history) {
    StateDb state = history.stateAt(history.snapshotHead(), null);
    try {
      for (MasterAction a : history.actions()) {
        // Journaled, so incorporation can reach any base above the snapshot in place.
        history.knowWrites(a.seq(), state.applyJournaled(a).writes());
      }
      return state;
    } catch (ActionFailedException e) {
      state.close();
      throw new IntegrityException(
          cluster.describe(masterId) + ": a master action no longer applies on replay; actions must be deterministic", e);
    } catch (RuntimeException e) {
      state.close();
      throw e;
    }
  }

  /** The master's marks; its log is checked by its head's line, not by its length. */
  private static StateMarks marks(String masterId, long head, String line, ClusterStorage.LinePosition at,
      Map<String, Long> acks) {
    return new StateMarks(masterId, head, line, at, Optional.empty(), acks);
  }

  /**
   * Records in a state file what it now holds, up to master action {@code head} whose log line is
   * {@code line}, just appended; call inside the transaction that changed it.
   */
  private void markAppended(StateDb s, long head, String line) {
    headAt = cluster.positionOfLastLine(masterId, line);
    if (s.persistent()) {
      marks(masterId, head, line, headAt, acks).write(s);
    }
  }

  /** Records in a state file what it holds now that something other than an action changed. */
  private void mark(StateDb s) {
    if (s.persistent()) {
      marks(masterId, history.head(), history.lineOf(history.head()), headAt, acks).write(s);
    }
  }

  @Override
  public Submitted submitAll(List<Submission> batch) {
    return exclusive(() -> submitAllExclusive(batch));
  }

  /** Keeps the history in memory short (see {@link #HISTORY_KEPT}): trims it to a tail when it doubled. */
  private void trimHistory() {
    if (state.current().persistent() && history.head() - history.knownFrom() > 2L * HISTORY_KEPT) {
      long from = history.head() - HISTORY_KEPT;
      history.forgetUpTo(from, history.positionOf(from),
          () -> completeHistory(cluster, masterId, actions, cluster.readMasterLog(masterId)));
    }
  }

  private Submitted submitAllExclusive(List<Submission> batch) {
    List<RuntimeException> results = new ArrayList<>(Collections.nCopies(batch.size(), null));
    StateDb current = state.current();
    List<MasterAction> accepted = new ArrayList<>();
    List<Footprint> footprints = new ArrayList<>();
    state.write(
        () ->
            current.inTransaction(
                () -> {
                  long seq = history.head() + 1;
                  for (int i = 0; i < batch.size(); i++) {
                    Submission s = batch.get(i);
                    if (!actions.contains(s.name())) {
                      results.set(i, new UnknownActionException(s.name()));
                      continue;
                    }
                    MasterAction a =
                        new MasterAction(seq, s.name(), s.params(), new Source(masterId, seq), false, current.schemaVersion());
                    try {
                      footprints.add(current.applyJournaled(a));
                      accepted.add(a);
                      seq++;
                    } catch (ActionFailedException | SchemaTooNewException e) {
                      results.set(i, e); // its savepoint is rolled back; the others go on
                    }
                  }
                  if (!accepted.isEmpty()) {
                    cluster.appendAllMasterDeferred(
                        masterId, accepted.stream().map(a -> (MasterLogEntry) new MasterLogEntry.Action(a)).toList());
                    MasterAction last = accepted.get(accepted.size() - 1);
                    markAppended(current, last.seq(), MasterHistory.lineOf(last));
                  }
                }));
    for (int i = 0; i < accepted.size(); i++) {
      history.append(accepted.get(i), footprints.get(i).writes());
      changed.add(footprints.get(i).writtenTables());
    }
    trimHistory();
    return new Submitted(results, accepted.isEmpty() ? 0 : flusher.appended());
  }

  /** Applies {@code action} to the state and appends it to the master log, or neither. */
  void append(MasterAction action) {
    StateDb current = state.current();
    Footprint[] footprint = new Footprint[1];
    MasterLogEntry entry = new MasterLogEntry.Action(action);
    state.write(
        () ->
            current.inTransaction(
                () -> {
                  footprint[0] = current.applyJournaled(action);
                  cluster.append(masterId, entry);
                  markAppended(current, action.seq(), MasterHistory.lineOf(action));
                }));
    history.append(action, footprint[0].writes());
    changed.add(footprint[0].writtenTables());
  }

  @Override
  public SyncReport sync(Resolver ignored) {
    return exclusive(this::syncExclusive);
  }

  private SyncReport syncExclusive() {
    // Checks probe the live state inside savepoints: readers wait until the sync is done.
    Incorporation.Counts[] result = new Incorporation.Counts[1];
    state.write(() -> result[0] = new Incorporation(this, history, actions, referenceOnly).run(otherPeers()));
    Incorporation.Counts counts = result[0];
    OptionalLong squashedTo = squash();
    trimHistory();
    if (counts.applied() == 0 && counts.skipped() == 0 && squashedTo.isEmpty()) {
      return SyncReport.NOTHING;
    }
    return new SyncReport(counts.applied(), counts.skipped(), 0, counts.forced(), 0, squashedTo);
  }

  List<String> otherPeers() {
    List<String> peers = new ArrayList<>(cluster.replicaIds());
    peers.remove(masterId);
    return peers;
  }

  ClusterStorage cluster() {
    return cluster;
  }

  StateDb current() {
    return state.current();
  }

  /**
   * Records that {@code peer} integrated the master log up to {@code masterSeq}: appended as a
   * {@code peer_ack} only when it is above both that peer's last ack and the snapshot head.
   */
  void recordAck(String peer, long masterSeq) {
    if (masterSeq > history.head()) {
      LOG.warn("peer '{}' acks master seq {} beyond the head {}; ignored", peer, masterSeq, history.head());
      return;
    }
    if (masterSeq <= Math.max(acks.getOrDefault(peer, 0L), history.snapshotHead())) {
      return;
    }
    MasterLogEntry.PeerAck ack = new MasterLogEntry.PeerAck(peer, masterSeq);
    cluster.append(masterId, ack);
    acks.put(peer, masterSeq);
    StateDb current = state.current();
    current.inTransaction(() -> mark(current));
  }

  /**
   * Advances the snapshot to the lowest ack of the peers that have a log, when that is above the
   * current snapshot. The snapshot is written before the log is trimmed, so a crash in between
   * leaves a consistent (if untrimmed) cluster.
   */
  private OptionalLong squash() {
    List<String> peers = otherPeers();
    if (peers.isEmpty()) {
      return OptionalLong.empty();
    }
    long min = Long.MAX_VALUE;
    for (String p : peers) {
      min = Math.min(min, Math.max(acks.getOrDefault(p, 0L), history.snapshotHead()));
    }
    if (min <= history.snapshotHead()) {
      return OptionalLong.empty();
    }
    byte[] atMin;
    try (StateDb at = history.stateAt(min, null)) {
      atMin = at.image();
    }
    cluster.writeSnapshot(SnapshotImage.withHead(atMin, min));
    List<MasterLogEntry> trimmed = new ArrayList<>();
    trimmed.add(new MasterLogEntry.Snapshot(min));
    for (MasterLogEntry e : cluster.readMasterLog(masterId).entries()) { // a squash may read it all
      if (e instanceof MasterLogEntry.Action && ((MasterLogEntry.Action) e).action().seq() > min
          || e instanceof MasterLogEntry.PeerAck && ((MasterLogEntry.PeerAck) e).masterSeq() > min) {
        trimmed.add(e);
      }
    }
    cluster.rewriteMasterLog(masterId, trimmed);
    headAt = ClusterStorage.LinePosition.UNKNOWN; // the rewrite moved every line
    StateDb current = state.current();
    long squashed = min;
    current.inTransaction(() -> {
      current.journal().forgetUpTo(squashed); // no base below the snapshot is ever checked
      mark(current);
    });
    history.squashTo(min, atMin);
    return OptionalLong.of(min);
  }

  @Override
  public boolean rebuiltOnOpen() {
    return rebuiltOnOpen;
  }

  @Override
  public long masterHead() {
    return history.head();
  }

  @Override
  public List<PeerAction> pending() {
    return List.of();
  }

  @Override
  public Set<String> takeChangedTables() {
    return changed.take();
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
