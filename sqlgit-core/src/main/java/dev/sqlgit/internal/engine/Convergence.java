package dev.sqlgit.internal.engine;

import dev.sqlgit.ActionFailedException;
import dev.sqlgit.PeerAction;
import dev.sqlgit.internal.sqlite.RowKey;
import dev.sqlgit.internal.sqlite.StateComparison;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Peer-side convergence (SPEC §2, Gate 0 and chains): pending actions whose intent the new master
 * state already realises are dropped silently as {@code convergent}.
 *
 * <p>"Realised" needs two things. The actions, replayed on their context, leave the rows they
 * touch (Gate 0: the whole database) exactly as the master state has them. And applying them
 * once more on the master state changes nothing: it either throws (the edited row is gone, the
 * inserted key exists) or leaves those rows as they are. The second condition is ours, not the
 * reference design's: without it two concurrent increments from 0 to 1 look "realised" and one
 * would be lost silently. With it they go on to the permutation gate, which accepts both.
 */
final class Convergence {
  private Convergence() {}

  /** A run of consecutive pending actions whose written rows overlap. */
  record Chain(int start, int end, Set<RowKey> writes) {
    int size() {
      return end - start + 1;
    }
  }

  /** Gate 0: every pending action together is already realised by {@code current}. */
  static boolean allRealised(List<PeerAction> pending, Supplier<StateDb> context, StateDb current) {
    try (StateDb ctx = context.get()) {
      if (!applyAll(ctx, pending) || !StateComparison.sameState(ctx.db(), current.db())) {
        return false;
      }
      // ctx now equals current; re-applying on current must not move it away from that.
      return current.probe(() -> {
        applyEach(current, pending);
        return StateComparison.sameState(current.db(), ctx.db());
      });
    }
  }

  /** Partitions {@code pending} into chains by write-set overlap; empty when a replay fails. */
  static List<Chain> chains(List<PeerAction> pending, Supplier<StateDb> context) {
    List<Set<RowKey>> writes = new ArrayList<>();
    try (StateDb sim = context.get()) {
      for (PeerAction a : pending) {
        writes.add(sim.apply(a, false).writes());
      }
    } catch (ActionFailedException e) {
      return List.of();
    }
    return partition(writes);
  }

  /** The chain that starts at pending action {@code index}, or null when none does. */
  static Chain startingAt(List<Chain> chains, int index) {
    for (Chain c : chains) {
      if (c.start() == index) {
        return c;
      }
    }
    return null;
  }

  /** Groups consecutive write sets that overlap into chains. */
  static List<Chain> partition(List<Set<RowKey>> writes) {
    List<Chain> chains = new ArrayList<>();
    int start = 0;
    Set<RowKey> acc = new HashSet<>(writes.isEmpty() ? Set.of() : writes.get(0));
    for (int i = 1; i < writes.size(); i++) {
      if (overlap(acc, writes.get(i))) {
        acc.addAll(writes.get(i));
      } else {
        chains.add(new Chain(start, i - 1, Set.copyOf(acc)));
        start = i;
        acc = new HashSet<>(writes.get(i));
      }
    }
    if (!writes.isEmpty()) {
      chains.add(new Chain(start, writes.size() - 1, Set.copyOf(acc)));
    }
    return chains;
  }

  /** Whether the chain's actions are realised by {@code current} (see the class comment). */
  static boolean chainRealised(List<PeerAction> actions, Set<RowKey> touched, Supplier<StateDb> context, StateDb current) {
    if (touched.isEmpty()) {
      return false;
    }
    try (StateDb probe = context.get()) {
      if (!applyAll(probe, actions) || !StateComparison.sameRows(probe.db(), current.db(), touched)) {
        return false;
      }
      return current.probe(() -> {
        applyEach(current, actions);
        return StateComparison.sameRows(current.db(), probe.db(), touched);
      });
    }
  }

  private static boolean applyAll(StateDb state, List<PeerAction> actions) {
    try {
      for (PeerAction a : actions) {
        state.apply(a, false);
      }
      return true;
    } catch (ActionFailedException e) {
      return false;
    }
  }

  /**
   * Applies each action that still applies, each in its own savepoint, skipping those that throw:
   * "applying them again" for the realised check. (Stopping at the first throw would hide the
   * effect of an action before it, such as an increment batched with an already-done delete.)
   */
  private static void applyEach(StateDb state, List<PeerAction> actions) {
    for (PeerAction a : actions) {
      try {
        state.apply(a, false);
      } catch (ActionFailedException e) {
        // Throws on the master state: it adds nothing there.
      }
    }
  }

  private static boolean overlap(Set<RowKey> a, Set<RowKey> b) {
    for (RowKey k : b) {
      if (a.contains(k)) {
        return true;
      }
      for (RowKey j : a) {
        if (j.table().equals(k.table()) && (j.isWholeTable() || k.isWholeTable())) {
          return true;
        }
      }
    }
    return false;
  }
}
