package dev.sqlgit;

import java.util.List;
import java.util.Optional;

/**
 * Everything a {@link Resolver} needs to decide: the conflicting action, why it conflicts, what the
 * master did meanwhile, and read-only views of the state before and after the rebase. Valid only
 * during the {@link Resolver#resolve} call.
 */
public interface ConflictContext {

  /** The pending action in conflict, as it stands in the peer's log. */
  PeerAction action();

  /** {@code ERROR} when it throws on the rebased state, otherwise {@code NON_COMMUTATIVE}. */
  ConflictKind kind();

  /**
   * For {@code ERROR}, the {@link ActionFailedException} the action raised on the rebased state
   * (its cause is what the action threw); empty for {@code NON_COMMUTATIVE}.
   */
  Optional<Throwable> error();

  /** The master actions after the action's base authored by other peers, in master order. */
  List<MasterAction> masterSuffix();

  /** Read-only: the state the action was written against (its base plus own earlier actions). */
  Db baseDb();

  /** Read-only: the rebased state so far, mitigations included. */
  Db rebasedDb();

  /**
   * Queues a mitigation: applied at once to the rebased state and kept in the peer's log, before
   * the conflicting action, whatever the resolution.
   *
   * @throws UnknownActionException when {@code name} is not registered
   * @throws ActionFailedException when the mitigation throws on the rebased state (nothing queued)
   */
  void submit(String name, Object params);
}
