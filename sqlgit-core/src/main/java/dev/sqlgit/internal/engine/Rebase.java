package dev.sqlgit.internal.engine;

import dev.sqlgit.ActionFailedException;
import dev.sqlgit.ConflictKind;
import dev.sqlgit.MasterAction;
import dev.sqlgit.PeerAction;
import dev.sqlgit.Resolution;
import dev.sqlgit.ResolutionException;
import dev.sqlgit.Resolver;
import dev.sqlgit.SyncReport;
import dev.sqlgit.UnresolvedConflictException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A peer's {@code git pull --rebase} (SPEC §2, peer sync): drop the own actions the master
 * incorporated, bring the state to the new master head, then re-apply the remaining own actions in
 * log order through convergence, the gates and the resolver. Works on a fresh state and changes
 * nothing of the peer: the caller commits the {@link Result} (or, on failure, keeps everything as
 * it was).
 */
final class Rebase {
  private final String peerId;
  private final MasterHistory history;
  private final Resolver resolver;
  private long nextSeq;

  private final List<PeerAction> kept = new ArrayList<>();
  /** The tables each kept action (mitigations included) wrote on the new state, by seq. */
  private final Map<Long, Set<String>> touched = new HashMap<>();
  private int applied;
  private int dropped;
  private int forced;
  private int convergent;

  /** What a rebase produced: the new state, the own log to write, the counter to keep. */
  record Result(
      StateDb state,
      long head,
      List<PeerAction> kept,
      long nextSeq,
      SyncReport report,
      Map<Long, Set<String>> keptTables) {}

  Rebase(String peerId, MasterHistory history, Resolver resolver, long nextSeq) {
    this.peerId = peerId;
    this.history = history;
    this.resolver = resolver;
    this.nextSeq = nextSeq;
  }

  Result run(List<PeerAction> ownActions) {
    long head = history.head();
    Set<Long> incorporated = history.incorporatedFrom(peerId);
    List<PeerAction> pending = new ArrayList<>();
    for (PeerAction a : ownActions) {
      if (!incorporated.contains(a.seq())) {
        pending.add(a);
      }
    }
    StateDb current = history.stateAt(head, null);
    try {
      if (!pending.isEmpty()) {
        rebase(pending, current, head);
      }
      SyncReport report = new SyncReport(applied, 0, dropped, forced, convergent, OptionalLong.empty());
      return new Result(current, head, List.copyOf(kept), nextSeq, report, Map.copyOf(touched));
    } catch (RuntimeException | Error e) {
      current.close();
      throw e;
    }
  }

  private void rebase(List<PeerAction> pending, StateDb current, long head) {
    long firstBase = pending.stream().mapToLong(PeerAction::baseMasterSeq).min().orElse(head);
    if (Convergence.allRealised(pending, () -> context(firstBase), current)) {
      convergent = pending.size();
      return;
    }
    List<Convergence.Chain> chains = Convergence.chains(pending, () -> context(firstBase));
    for (int i = 0; i < pending.size(); i++) {
      Convergence.Chain chain = Convergence.startingAt(chains, i);
      if (chain != null) {
        List<PeerAction> members = pending.subList(chain.start(), chain.end() + 1);
        long base = members.get(0).baseMasterSeq();
        if (Convergence.chainRealised(members, chain.writes(), () -> context(base), current)) {
          convergent += chain.size();
          i = chain.end();
          continue;
        }
      }
      settle(pending.get(i), current, head);
    }
  }

  /** Checks one own action and keeps, drops or forces it, asking the resolver on a conflict. */
  private void settle(PeerAction original, StateDb current, long head) {
    PeerAction action = original;
    while (true) {
      List<MasterAction> suffix = history.suffixAfter(action.baseMasterSeq(), peerId);
      long base = action.baseMasterSeq();
      Verdict verdict =
          Gates.check(
              new Gates.Candidate(
                  action.name(), action.params(), action.baseMasterSeq(), action.force(), action.schema()),
              current,
              suffix,
              history,
              () -> context(base));
      if (verdict instanceof Verdict.Accept) {
        touched.put(action.seq(), current.applyOwn(action).writtenTables());
        kept.add(rebased(action, head, action.force()));
        applied++;
        return;
      }
      Verdict.Conflict conflict = (Verdict.Conflict) verdict;
      if (resolver == null) {
        throw new UnresolvedConflictException(action, conflict.kind(), conflict.error());
      }
      List<PeerAction> mitigations;
      Resolution resolution;
      try (StateDb baseState = context(base)) {
        ResolverContext ctx =
            new ResolverContext(action, conflict, suffix, baseState, current, head, () -> nextSeq++);
        try {
          resolution = resolver.resolve(ctx);
        } finally {
          mitigations = ctx.finish();
          touched.putAll(ctx.touchedTables());
        }
      }
      kept.addAll(mitigations);
      applied += mitigations.size();
      if (resolution == null) {
        throw new ResolutionException("the resolver returned null for action seq " + action.seq());
      }
      switch (resolution) {
        case DROP:
          dropped++;
          return;
        case FORCE:
          force(action, conflict, current, head);
          return;
        case RETRY:
          if (mitigations.isEmpty()) {
            throw new ResolutionException(
                "RETRY of action '" + action.name() + "' seq " + action.seq()
                    + " needs at least one ctx.submit(...) mitigation first; without one it would loop");
          }
          // Re-checked as forced on the new head: the mitigations are its intended context.
          action = rebased(action, head, true);
          continue;
        default:
          throw new AssertionError(resolution);
      }
    }
  }

  private void force(PeerAction action, Verdict.Conflict conflict, StateDb current, long head) {
    if (conflict.kind() == ConflictKind.ERROR) {
      throw new ResolutionException(
          "cannot FORCE action '" + action.name() + "' seq " + action.seq()
              + ": it throws on the rebased state; DROP it or RETRY after a mitigation",
          conflict.error());
    }
    try {
      touched.put(action.seq(), current.applyOwn(action).writtenTables());
    } catch (ActionFailedException e) {
      throw new ResolutionException(
          "forced action '" + action.name() + "' seq " + action.seq() + " threw on the rebased state", e);
    }
    kept.add(rebased(action, head, true));
    forced++;
  }

  private static PeerAction rebased(PeerAction a, long head, boolean force) {
    return new PeerAction(a.seq(), a.name(), a.params(), head, force, a.schema());
  }

  /**
   * The state an own action was written against: its base, plus this peer's actions the master
   * already incorporated, plus those kept earlier in this rebase.
   */
  private StateDb context(long base) {
    StateDb ctx = history.stateAt(Math.max(base, history.snapshotHead()), peerId);
    for (PeerAction k : kept) {
      try {
        ctx.apply(k, false);
      } catch (ActionFailedException e) {
        // Without the master's interleaved actions it may not apply; the context is best-effort.
      }
    }
    return ctx;
  }
}
