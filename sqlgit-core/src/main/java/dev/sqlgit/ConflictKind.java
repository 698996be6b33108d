package dev.sqlgit;

/** Why a pending action conflicts with the master's new history. */
public enum ConflictKind {
  /** The action throws on the rebased state. */
  ERROR,
  /** The action applies, but applying it before or after the master's new actions differs. */
  NON_COMMUTATIVE
}
