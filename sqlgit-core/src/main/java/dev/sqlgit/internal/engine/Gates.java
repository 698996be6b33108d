package dev.sqlgit.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlgit.ActionFailedException;
import dev.sqlgit.ConflictKind;
import dev.sqlgit.MasterAction;
import dev.sqlgit.internal.sqlite.Footprint;
import dev.sqlgit.internal.sqlite.StateComparison;
import java.util.List;
import java.util.function.Supplier;

/**
 * The per-action checks of SPEC §2, shared by the master and the peers. None of them changes
 * {@code current}: they probe inside savepoints that are rolled back.
 *
 * <ul>
 *   <li>a base below the snapshot: part of the suffix is gone, so it is a conflict;
 *   <li>force rule: a forced action is accepted iff no other peer's master action follows its base;
 *   <li>empty suffix: accepted iff it applies;
 *   <li>Gate 1 (disjoint): its read/write sets, traced on its context, miss every row the suffix
 *       wrote → accepted iff it applies;
 *   <li>Gate 2 (permutation): context+action+suffix and current+action both succeed and reach the
 *       same state → accepted.
 * </ul>
 */
final class Gates {
  private Gates() {}

  /** An action to check: its name, params, the master seq it was written on, and its force flag. */
  record Candidate(String name, JsonNode params, long base, boolean force, int schema) {}

  static Verdict check(
      Candidate action,
      StateDb current,
      List<MasterAction> suffix,
      MasterHistory history,
      Supplier<StateDb> context) {
    if (action.base() < history.snapshotHead()) {
      // Part of its suffix was squashed away: nothing can show that it commutes.
      return notProven(current, action);
    }
    if (action.force()) {
      return suffix.isEmpty() ? appliesOn(current, action, "force") : notProven(current, action);
    }
    if (suffix.isEmpty()) {
      return appliesOn(current, action, "no-suffix");
    }
    try (StateDb ctx = context.get()) {
      Footprint footprint = null;
      try {
        footprint = ctx.apply(action.name(), action.params(), action.schema(), true);
      } catch (ActionFailedException e) {
        // It no longer applies on its own context; only the permutation test can still accept it.
      }
      if (footprint != null && !footprint.overlaps(history.writesOf(suffix))) {
        return appliesOn(current, action, "disjoint");
      }
      boolean appliedOnContext = footprint != null;
      return current.probe(() -> permutation(action, current, suffix, ctx, appliedOnContext));
    }
  }

  private static Verdict permutation(
      Candidate action, StateDb current, List<MasterAction> suffix, StateDb ctx, boolean appliedOnContext) {
    try {
      current.apply(action.name(), action.params(), action.schema(), false);
    } catch (ActionFailedException e) {
      return new Verdict.Conflict(ConflictKind.ERROR, e);
    }
    if (!appliedOnContext) {
      return new Verdict.Conflict(ConflictKind.NON_COMMUTATIVE, null);
    }
    try {
      for (MasterAction m : suffix) {
        ctx.apply(m, false);
      }
    } catch (ActionFailedException e) {
      return new Verdict.Conflict(ConflictKind.NON_COMMUTATIVE, null);
    }
    return StateComparison.sameState(current.db(), ctx.db())
        ? new Verdict.Accept("permutation")
        : new Verdict.Conflict(ConflictKind.NON_COMMUTATIVE, null);
  }

  /**
   * A conflict whose kind says what the resolver can still do: {@code ERROR} when the action throws
   * on {@code current}, otherwise {@code NON_COMMUTATIVE}.
   */
  private static Verdict notProven(StateDb current, Candidate action) {
    Verdict applies = appliesOn(current, action, "force");
    return applies instanceof Verdict.Conflict
        ? applies
        : new Verdict.Conflict(ConflictKind.NON_COMMUTATIVE, null);
  }

  /** Accepted iff the action applies on {@code current}; otherwise an {@code ERROR} conflict. */
  static Verdict appliesOn(StateDb current, Candidate action, String gate) {
    return current.probe(
        () -> {
          try {
            current.apply(action.name(), action.params(), action.schema(), false);
            return new Verdict.Accept(gate);
          } catch (ActionFailedException e) {
            return new Verdict.Conflict(ConflictKind.ERROR, e);
          }
        });
  }
}
