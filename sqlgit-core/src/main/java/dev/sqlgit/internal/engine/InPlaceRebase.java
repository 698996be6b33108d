package dev.sqlgit.internal.engine;

import dev.sqlgit.ActionFailedException;
import dev.sqlgit.MasterAction;
import dev.sqlgit.PeerAction;
import dev.sqlgit.SyncReport;
import dev.sqlgit.internal.sqlite.Footprint;
import dev.sqlgit.internal.sqlite.RowKey;
import dev.sqlgit.internal.sqlite.StateComparison;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * The fast path of a peer sync: the same rebase as {@link Rebase}, done in place on the live state
 * inside one savepoint, with no copy of the database and no replay of history. The undo journal
 * takes the state back to the integrated head; the new master entries are applied once; each
 * check that needs an older state reaches it inside a nested savepoint that is rolled back.
 * "Same state" compares only the rows that anything involved wrote, which is equivalent to
 * comparing whole databases: both sides start from the same state at the action's base.
 *
 * <p>It handles the common case. When an action needs the resolver, or anything is out of its
 * reach (a base below the integrated head, a schema change in the way), it gives up: everything
 * is rolled back and the caller runs the reference {@link Rebase}. The outcome, when it has one,
 * is exactly the reference's (a differential property test holds it to that).
 */
final class InPlaceRebase {
  /** Raised inside to give up; never escapes. */
  private static final class GiveUp extends RuntimeException {
    GiveUp() {
      super(null, null, false, false);
    }
  }

  private static final String SAVEPOINT = "sqlgit_rebase";

  private final String peerId;
  private final MasterHistory history;
  private final StateDb live;
  private final long integrated;
  private final List<PeerAction> kept = new ArrayList<>();
  private final Map<Long, Set<String>> keptTables = new HashMap<>();
  private final Set<RowKey> keptWrites = new HashSet<>();
  private final InPlaceGates gates;
  private int applied;
  private int convergent;

  InPlaceRebase(String peerId, MasterHistory history, StateDb live, long integrated) {
    this.peerId = peerId;
    this.history = history;
    this.live = live;
    this.integrated = integrated;
    this.gates = new InPlaceGates(live, history, peerId, kept, keptWrites);
  }

  /** A finished in-place rebase, still inside its savepoint: commit or abort it. */
  final class Outcome {
    private final Rebase.Result result;

    private Outcome(Rebase.Result result) {
      this.result = result;
    }

    Rebase.Result result() {
      return result;
    }

    void commit() {
      live.journal().forgetUpTo(result.head());
      live.db().exec("RELEASE " + SAVEPOINT);
    }

    void abort() {
      rollback();
    }
  }

  /** Rebases {@code own} in place; empty when the reference path must do it (nothing changed). */
  Optional<Outcome> run(List<PeerAction> own, long nextSeq) {
    long head = history.head();
    Set<Long> incorporated = history.incorporatedFrom(peerId);
    List<PeerAction> pending = new ArrayList<>();
    for (PeerAction a : own) {
      if (!incorporated.contains(a.seq())) {
        if (a.baseMasterSeq() < integrated) {
          return Optional.empty(); // its base was never journaled here
        }
        pending.add(a);
      }
    }
    if (!gates.reaches(integrated)) {
      return Optional.empty();
    }
    live.db().exec("SAVEPOINT " + SAVEPOINT);
    try {
      live.journal().undoAfter(integrated);
      for (MasterAction e : history.actionsAfter(integrated)) {
        history.knowWrites(e.seq(), replay(e)); // so nothing replays history to learn them
      }
      if (!pending.isEmpty()) {
        rebase(pending);
      }
      SyncReport report = new SyncReport(applied, 0, 0, 0, convergent, OptionalLong.empty());
      return Optional.of(new Outcome(new Rebase.Result(live, head, List.copyOf(kept), nextSeq, report, Map.copyOf(keptTables))));
    } catch (GiveUp e) {
      rollback();
      return Optional.empty();
    } catch (RuntimeException | Error e) {
      rollback();
      throw e;
    }
  }

  private Set<RowKey> replay(MasterAction e) {
    try {
      return live.applyJournaled(e).writes();
    } catch (ActionFailedException failed) {
      throw new GiveUp(); // the reference path reports it the way it always does
    }
  }

  private void rollback() {
    live.db().exec("ROLLBACK TO " + SAVEPOINT);
    live.db().exec("RELEASE " + SAVEPOINT);
  }

  private void rebase(List<PeerAction> pending) {
    long firstBase = pending.stream().mapToLong(PeerAction::baseMasterSeq).min().orElseThrow();
    if (allRealised(pending, firstBase)) {
      convergent = pending.size();
      return;
    }
    List<Convergence.Chain> chains = chains(pending, firstBase);
    for (int i = 0; i < pending.size(); i++) {
      Convergence.Chain chain = Convergence.startingAt(chains, i);
      if (chain != null) {
        List<PeerAction> members = pending.subList(chain.start(), chain.end() + 1);
        if (chainRealised(members, chain.writes(), members.get(0).baseMasterSeq())) {
          convergent += chain.size();
          i = chain.end();
          continue;
        }
      }
      settle(pending.get(i));
    }
  }

  private void settle(PeerAction a) {
    if (!gates.accepted(InPlaceGates.candidate(a))) {
      throw new GiveUp(); // a real conflict: the resolver runs on the reference path
    }
    Footprint f = live.applyOwn(a);
    kept.add(new PeerAction(a.seq(), a.name(), a.params(), history.head(), a.force(), a.schema()));
    keptTables.put(a.seq(), f.writtenTables());
    keptWrites.addAll(f.writes());
    applied++;
  }

  /** Gate 0, in place: see {@link Convergence#allRealised}. */
  private boolean allRealised(List<PeerAction> pending, long base) {
    Set<RowKey> keys = new HashSet<>(history.writesOf(history.actionsAfter(base)));
    Map<RowKey, Object> onContext = inContext(base, ctxWrites -> {
      keys.addAll(ctxWrites);
      for (PeerAction a : pending) {
        Footprint f = tryApply(a, false);
        if (f == null) {
          return null;
        }
        keys.addAll(f.writes());
      }
      return StateComparison.rows(live.db(), keys);
    });
    if (onContext == null || !onContext.equals(StateComparison.rows(live.db(), keys))) {
      return false;
    }
    return reapplyChangesNothing(pending, null);
  }

  /** Chains, in place: see {@link Convergence#chains}. */
  private List<Convergence.Chain> chains(List<PeerAction> pending, long base) {
    List<Set<RowKey>> writes = inContext(base, ctxWrites -> {
      List<Set<RowKey>> out = new ArrayList<>();
      for (PeerAction a : pending) {
        Footprint f = tryApply(a, false);
        if (f == null) {
          return null;
        }
        out.add(f.writes());
      }
      return out;
    });
    return writes == null ? List.of() : Convergence.partition(writes);
  }

  /** See {@link Convergence#chainRealised}. */
  private boolean chainRealised(List<PeerAction> members, Set<RowKey> touched, long base) {
    if (touched.isEmpty()) {
      return false;
    }
    Map<RowKey, Object> probe = inContext(base, ctxWrites -> {
      for (PeerAction a : members) {
        if (tryApply(a, false) == null) {
          return null;
        }
      }
      return StateComparison.rows(live.db(), touched);
    });
    if (probe == null || !probe.equals(StateComparison.rows(live.db(), touched))) {
      return false;
    }
    return reapplyChangesNothing(members, touched);
  }

  /**
   * Whether applying {@code actions} once more on the live state (each one that still applies)
   * leaves the rows they touch as they are ({@code touched}, or every row they write when null).
   */
  private boolean reapplyChangesNothing(List<PeerAction> actions, Set<RowKey> touched) {
    Set<RowKey> written = new HashSet<>();
    Map<RowKey, Object> after = probe(() -> {
      for (PeerAction a : actions) {
        Footprint f = tryApply(a, false);
        if (f != null) {
          written.addAll(f.writes());
        }
      }
      return StateComparison.rows(live.db(), touched != null ? touched : written);
    });
    return after.equals(StateComparison.rows(live.db(), touched != null ? touched : written));
  }

  private <T> T inContext(long base, Function<Set<RowKey>, T> body) {
    return gates.inContext(base, body);
  }

  private <T> T probe(java.util.function.Supplier<T> body) {
    return gates.probe(body);
  }

  private Footprint tryApply(PeerAction a, boolean withReads) {
    return gates.tryApply(InPlaceGates.candidate(a), withReads);
  }
}
