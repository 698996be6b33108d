package dev.sqlgit.internal.engine;

import dev.sqlgit.MasterAction;
import dev.sqlgit.PeerAction;
import dev.sqlgit.Source;
import dev.sqlgit.internal.log.PeerLogEntry;
import dev.sqlgit.SchemaTooNewException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's half of a sync (SPEC §2, master sync): for each other peer in sorted id order,
 * record its acks and incorporate its new actions in log order. A peer's first conflicting action
 * stops that peer for this round: it and every later action are skipped, never reordered.
 */
final class Incorporation {
  private static final Logger LOG = LoggerFactory.getLogger(Incorporation.class);

  private final MasterEngine master;
  private final MasterHistory history;
  private final ActionCatalog actions;
  private int applied;
  private int skipped;
  private int forced;

  record Counts(int applied, int skipped, int forced) {}

  private final boolean referenceOnly;

  Incorporation(MasterEngine master, MasterHistory history, ActionCatalog actions, boolean referenceOnly) {
    this.master = master;
    this.history = history;
    this.actions = actions;
    this.referenceOnly = referenceOnly;
  }

  Counts run(List<String> peers) {
    Map<String, List<PeerLogEntry>> logs = new LinkedHashMap<>();
    for (String peer : peers) {
      logs.put(peer, master.cluster().readPeerLog(peer));
    }
    history.ensureFrom(oldestBase(logs));
    refuseNewerSchemas(logs);
    logs.forEach(this::incorporate);
    return new Counts(applied, skipped, forced);
  }

  /**
   * The oldest base among the actions this round looks at: an action is incorporated, if at all,
   * after its base, and is checked against what follows it, so the history must reach back there.
   * Actions below the snapshot are skipped unseen (unless too new to skip).
   */
  private long oldestBase(Map<String, List<PeerLogEntry>> logs) {
    long oldest = Long.MAX_VALUE;
    int known = actions.migrations().size();
    for (List<PeerLogEntry> log : logs.values()) {
      for (PeerLogEntry e : log) {
        if (e instanceof PeerLogEntry.Action action) {
          PeerAction a = action.action();
          if (a.baseMasterSeq() >= history.snapshotHead() || a.schema() > known) {
            oldest = Math.min(oldest, a.baseMasterSeq());
          }
        }
      }
    }
    return oldest;
  }

  /** An entry from newer code stops the whole sync before anything changes (upgrade the master). */
  private void refuseNewerSchemas(Map<String, List<PeerLogEntry>> logs) {
    int known = actions.migrations().size();
    logs.forEach((peer, log) -> {
      for (PeerLogEntry e : log) {
        if (e instanceof PeerLogEntry.Action) {
          PeerAction a = ((PeerLogEntry.Action) e).action();
          if (a.schema() > known && !history.isIncorporated(peer, a.seq())) {
            throw new SchemaTooNewException(a.schema(), known, "peer '" + peer + "' action seq " + a.seq());
          }
        }
      }
    });
  }

  private void incorporate(String peer, List<PeerLogEntry> log) {
    boolean stopped = false;
    for (PeerLogEntry entry : log) {
      if (entry instanceof PeerLogEntry.MasterAck) {
        master.recordAck(peer, ((PeerLogEntry.MasterAck) entry).masterSeq());
        continue;
      }
      PeerAction a = ((PeerLogEntry.Action) entry).action();
      if (history.isIncorporated(peer, a.seq()) || a.baseMasterSeq() < history.snapshotHead()) {
        // Below the snapshot only a stale copy of the log can hold an action: every live one was
        // rebased onto an acked head, and the snapshot never passes an ack.
        continue;
      }
      if (stopped) {
        skipped++;
        continue;
      }
      if (!accept(peer, a)) {
        stopped = true;
        skipped++;
        continue;
      }
      long seq = history.head() + 1;
      master.append(
          new MasterAction(seq, a.name(), a.params(), new Source(peer, a.seq()), a.force(), a.schema()));
      applied++;
      if (a.force()) {
        forced++;
      }
    }
  }

  private boolean accept(String peer, PeerAction a) {
    if (a.baseMasterSeq() > history.head()) {
      LOG.warn("peer '{}' action seq {} is based on master seq {} beyond the head {}; skipped",
          peer, a.seq(), a.baseMasterSeq(), history.head());
      return false;
    }
    if (!actions.contains(a.name())) {
      LOG.warn("peer '{}' action seq {} names unknown action '{}'; skipped until this master knows it",
          peer, a.seq(), a.name());
      return false;
    }
    Gates.Candidate candidate = InPlaceGates.candidate(a);
    InPlaceGates inPlace = new InPlaceGates(master.current(), history, peer, List.of(), Set.of());
    if (!referenceOnly && inPlace.reaches(a.baseMasterSeq())) {
      return inPlace.accepted(candidate);
    }
    List<MasterAction> suffix = history.suffixAfter(a.baseMasterSeq(), peer);
    Verdict verdict =
        Gates.check(candidate, master.current(), suffix, history, () -> history.stateAt(a.baseMasterSeq(), peer));
    return verdict instanceof Verdict.Accept;
  }
}
