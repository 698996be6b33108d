package dev.sqlgit;

/** A resolver's answer to a conflict. */
public enum Resolution {
  /** Remove the action from the peer's log. */
  DROP,
  /**
   * Keep the action, marked {@code force}, rebased on the new master head. Only for {@link
   * ConflictKind#NON_COMMUTATIVE}: forcing an action that throws fails the sync.
   */
  FORCE,
  /**
   * Re-check the action after the mitigations queued with {@link ConflictContext#submit}. At least
   * one mitigation is required, otherwise the sync fails (it would loop).
   */
  RETRY
}
