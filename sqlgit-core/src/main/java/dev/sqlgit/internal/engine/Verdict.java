package dev.sqlgit.internal.engine;

import dev.sqlgit.ActionFailedException;
import dev.sqlgit.ConflictKind;

/** The outcome of checking one action against the master's new history. */
sealed interface Verdict permits Verdict.Accept, Verdict.Conflict {

  /** The action may be applied; {@code gate} says which rule let it through (for logs and tests). */
  record Accept(String gate) implements Verdict {}

  /** The action conflicts; {@code error} is set for {@link ConflictKind#ERROR}. */
  record Conflict(ConflictKind kind, ActionFailedException error) implements Verdict {}
}
