package dev.sqlgit.storage;

import dev.sqlgit.SqlGitException;

/**
 * A feature's migration list no longer starts with what was applied: an applied entry was edited
 * (its SHA-256 differs from the recorded one) or removed. Migration lists are append-only; add a
 * new entry that makes the change instead. Nothing was applied.
 *
 * <pre>{@code
 * store.migrate("todos", List.of("CREATE TABLE todos(id INTEGER PRIMARY KEY)"));
 * // later, editing entry 0 instead of appending entry 1:
 * store.migrate("todos", List.of("CREATE TABLE todos(id INTEGER PRIMARY KEY, title TEXT)"));
 * // -> MigrationChangedException: migration todos#0 was edited after it was applied ...
 * }</pre>
 *
 * <p>Immutable.
 */
public final class MigrationChangedException extends SqlGitException {
  private final String feature;
  private final int index;

  MigrationChangedException(String feature, int index, String what) {
    super("migration " + feature + "#" + index + " " + what
        + "; migrations are append-only: add a new entry instead");
    this.feature = feature;
    this.index = index;
  }

  /** The feature whose list changed. */
  public String feature() {
    return feature;
  }

  /** The first changed entry (0-based). */
  public int index() {
    return index;
  }
}
