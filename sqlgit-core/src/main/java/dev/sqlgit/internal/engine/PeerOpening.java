package dev.sqlgit.internal.engine;

import dev.sqlgit.ActionFailedException;
import dev.sqlgit.IntegrityException;
import dev.sqlgit.PeerAction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a peer's state comes to be on open: rebuilt from snapshot + logs (the reference path), or
 * taken from its state file when the file's marks match the logs.
 */
final class PeerOpening {
  private static final Logger LOG = LoggerFactory.getLogger(PeerOpening.class);

  private final ClusterStorage cluster;
  private final String peerId;
  private final MasterHistory history;
  private final List<PeerAction> own;
  private final long integrated;
  private final long nextSeq;
  /** The complete history, for a rebuild when {@link #history} is only a tail. */
  private final java.util.function.Supplier<MasterHistory> complete;
  /** Tables each pending action wrote, by seq ({@code -1}: unknown, so all). */
  final Map<Long, Set<String>> pendingTables = new HashMap<>();
  /** Whether the state was rebuilt rather than taken from the file. */
  boolean rebuilt = true;

  PeerOpening(ClusterStorage cluster, String peerId, MasterHistory history, List<PeerAction> own, long integrated,
      long nextSeq, java.util.function.Supplier<MasterHistory> complete) {
    this.complete = complete;
    this.cluster = cluster;
    this.peerId = peerId;
    this.history = history;
    this.own = own;
    this.integrated = integrated;
    this.nextSeq = nextSeq;
  }

  /** The reference path: the master state at the integrated head, plus the pending actions. */
  StateDb rebuild() {
    MasterHistory all = history.isTail() ? complete.get() : history;
    StateDb state = all.stateAt(Math.max(integrated, all.snapshotHead()), null);
    try {
      for (PeerAction a : own) {
        pendingTables.put(a.seq(), replayPending(state, a, all.snapshotHead(), cluster.describe(peerId)));
      }
      return state;
    } catch (RuntimeException e) {
      state.close(); // e.g. SchemaTooNewException: code older than its own pending entries
      throw e;
    }
  }

  /**
   * The state file as it is when its marks match the logs (caught up in place to the master head
   * when nothing is pending), else rebuilt on the reference path and copied into it. {@code
   * marks} are the file's, as the caller read them.
   */
  StateDb fromStateFile(StateDb file, Optional<StateMarks> marks) {
    Optional<StateMarks> trusted = marks.filter(this::trusts);
    if (trusted.isPresent() && catchUp(file, trusted.get().head())) {
      rebuilt = false;
      if (!own.isEmpty()) {
        pendingTables.put(-1L, Set.of(ChangedTables.ALL)); // which tables they wrote is not kept
      }
      return file;
    }
    LOG.info("{}: building its state file from snapshot + logs (new, or out of step with the logs)",
        cluster.describe(peerId));
    try (StateDb fresh = rebuild()) {
      file.adopt(fresh);
    }
    file.inTransaction(() -> marks(integrated).write(file));
    return file;
  }

  private boolean trusts(StateMarks m) {
    return m.replica().equals(peerId)
        && m.sameLog(cluster.meta(peerId))
        && m.head() >= history.snapshotHead()
        && m.head() <= history.head()
        && (m.head() == history.snapshotHead() || history.lineOf(m.head()).equals(m.anchor()))
        && (own.isEmpty() ? m.head() <= integrated : m.head() == integrated);
  }

  /** Brings a file at master seq {@code from} (nothing pending) up to the head, in place. */
  private boolean catchUp(StateDb file, long from) {
    if (from == integrated) {
      return true;
    }
    var outcome = new InPlaceRebase(peerId, history, file, from).run(List.of(), nextSeq);
    if (outcome.isEmpty()) {
      return false;
    }
    marks(integrated).write(file);
    outcome.get().commit();
    return true;
  }

  private StateMarks marks(long head) {
    return new StateMarks(
        peerId, head, history.lineOf(head), history.positionOf(head), cluster.meta(peerId), Map.of());
  }

  /**
   * Re-applies a pending own action on open and returns the tables it wrote. If it no longer
   * applies although its base could be rebuilt, actions are not deterministic: that is an error.
   * If a squash has passed its base (its log reached the master only after the master squashed),
   * the state it was written against is gone: it stays pending, outside the local state, and the
   * next sync meets it as a conflict for the resolver. An acknowledged action is never dropped here.
   */
  private static Set<String> replayPending(StateDb state, PeerAction a, long snapshotHead, String log) {
    try {
      return state.applyOwn(a).writtenTables();
    } catch (ActionFailedException e) {
      if (a.baseMasterSeq() >= snapshotHead) {
        throw new IntegrityException(
            log + ": pending action seq " + a.seq() + " no longer applies on replay; actions must be deterministic", e);
      }
      LOG.warn("{}: pending action seq {} was written on master seq {}, which a squash has since passed;"
          + " it stays pending and the next sync treats it as a conflict", log, a.seq(), a.baseMasterSeq());
      return Set.of();
    }
  }
}
