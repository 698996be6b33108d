package dev.sqlgit;

/**
 * A peer sync met a real conflict and had no {@link Resolver}. The peer is left exactly as it was
 * before the sync: state, log and counters.
 */
public class UnresolvedConflictException extends SqlGitException {
  private final PeerAction action;
  private final ConflictKind kind;

  public UnresolvedConflictException(PeerAction action, ConflictKind kind, Throwable error) {
    super(
        "conflict ("
            + kind
            + ") on action '"
            + action.name()
            + "' seq "
            + action.seq()
            + " and no resolver was given; call sync(resolver) to drop, force or retry it",
        error);
    this.action = action;
    this.kind = kind;
  }

  /** The pending action that conflicts. */
  public PeerAction action() {
    return action;
  }

  /** Why it conflicts. */
  public ConflictKind kind() {
    return kind;
  }
}
