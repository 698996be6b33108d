package dev.sqlgit.internal.engine;

import dev.sqlgit.ActionFailedException;
import dev.sqlgit.MasterAction;
import dev.sqlgit.PeerAction;
import dev.sqlgit.internal.sqlite.Footprint;
import dev.sqlgit.internal.sqlite.RowKey;
import dev.sqlgit.internal.sqlite.StateComparison;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The checks of {@link Gates}, decided in place on a live state instead of on rebuilt copies: the
 * state an action was written against is reached inside a savepoint (undo the journal down to its
 * base, re-apply the author's incorporated actions and any {@code extras}) and rolled back. Two
 * states that never exist at once are compared on the rows anything involved wrote, which is
 * equivalent to comparing whole databases since both sides start from the state at the base.
 * Shared by the peer's in-place rebase and the master's in-place incorporation.
 */
final class InPlaceGates {
  private final StateDb live;
  private final MasterHistory history;
  private final String author;
  private final List<PeerAction> extras;
  private final Set<RowKey> extraWrites;

  /**
   * @param extras own actions applied on the live state after the master entries (a peer's kept
   *     actions; empty on the master), re-applied in every context; a live view
   * @param extraWrites what {@code extras} wrote on the live state; a live view
   */
  InPlaceGates(StateDb live, MasterHistory history, String author, List<PeerAction> extras, Set<RowKey> extraWrites) {
    this.live = live;
    this.history = history;
    this.author = author;
    this.extras = extras;
    this.extraWrites = extraWrites;
  }

  /** Whether the journal reaches back to {@code base} (no schema change in the way). */
  boolean reaches(long base) {
    return base >= history.snapshotHead() && live.journal().canUndoAfter(base);
  }

  /** {@link Gates#check} for {@code a}, in place: true when it is accepted. */
  boolean accepted(Gates.Candidate a) {
    if (a.base() < history.snapshotHead()) {
      return false;
    }
    List<MasterAction> suffix = history.suffixAfter(a.base(), author);
    if (a.force() || suffix.isEmpty()) {
      return suffix.isEmpty() && appliesOnLive(a);
    }
    Set<RowKey> suffixWrites = history.writesOf(suffix);
    Footprint onContext = inContext(a.base(), ctxWrites -> tryApply(a, true));
    if (onContext != null && !onContext.overlaps(suffixWrites)) {
      return appliesOnLive(a); // Gate 1: disjoint
    }
    // Gate 2: live + a and context + a + suffix both succeed and agree on every row involved.
    Footprint onLive = probe(() -> tryApply(a, false));
    if (onLive == null || onContext == null) {
      return false;
    }
    Set<RowKey> keys = new HashSet<>(extraWrites);
    keys.addAll(onLive.writes());
    keys.addAll(history.writesOf(history.actionsAfter(a.base())));
    Map<RowKey, Object> permuted = inContext(a.base(), ctxWrites -> {
      Footprint again = tryApply(a, false);
      if (again == null) {
        return null;
      }
      keys.addAll(ctxWrites);
      keys.addAll(again.writes());
      for (MasterAction m : suffix) {
        Footprint f = tryApply(m);
        if (f == null) {
          return null;
        }
        keys.addAll(f.writes());
      }
      return StateComparison.rows(live.db(), keys);
    });
    if (permuted == null) {
      return false;
    }
    Map<RowKey, Object> current = probe(() -> {
      tryApply(a, false);
      return StateComparison.rows(live.db(), keys);
    });
    return permuted.equals(current);
  }

  /**
   * Runs {@code body} on the state an action of the author was written against (its base, plus the
   * author's incorporated actions after it, plus the extras), then rolls back. The body gets the
   * rows that reaching the context wrote.
   */
  <T> T inContext(long base, Function<Set<RowKey>, T> body) {
    return probe(() -> {
      live.journal().undoAfter(base);
      Set<RowKey> written = new HashSet<>();
      for (MasterAction m : history.actionsAfter(base)) {
        if (m.source().peer().equals(author)) {
          Footprint f = tryApply(m);
          if (f != null) {
            written.addAll(f.writes());
          }
        }
      }
      for (PeerAction k : extras) {
        Footprint f = tryApply(candidate(k), false);
        if (f != null) {
          written.addAll(f.writes());
        }
      }
      return body.apply(written);
    });
  }

  boolean appliesOnLive(Gates.Candidate a) {
    return probe(() -> tryApply(a, false)) != null;
  }

  /** Runs {@code body} on the live state and undoes whatever it did. */
  <T> T probe(Supplier<T> body) {
    return live.probe(body::get);
  }

  /** Applies {@code a} on the state as it is now; null when it throws. */
  Footprint tryApply(Gates.Candidate a, boolean withReads) {
    try {
      return live.apply(a.name(), a.params(), a.schema(), withReads);
    } catch (ActionFailedException e) {
      return null;
    }
  }

  private Footprint tryApply(MasterAction m) {
    try {
      return live.apply(m, false);
    } catch (ActionFailedException e) {
      return null;
    }
  }

  static Gates.Candidate candidate(PeerAction a) {
    return new Gates.Candidate(a.name(), a.params(), a.baseMasterSeq(), a.force(), a.schema());
  }
}
