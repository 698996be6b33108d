package dev.sqlgit.storage;

import dev.sqlgit.SqlGitException;

/**
 * A migration touched a table that another feature created, so it was rolled back (SPEC §4: the
 * fence between features is checked by machine, not remembered by people). The message names the
 * table and its owner; read or change another feature's data through that feature's own code.
 *
 * <pre>{@code
 * try {
 *   store.migrate("todos", List.of("ALTER TABLE orders ADD COLUMN todo_id INTEGER"));
 * } catch (MigrationOwnershipException e) {
 *   log.error("{} must ask {} for this", e.feature(), e.owner());
 * }
 * }</pre>
 *
 * <p>Immutable.
 */
public final class MigrationOwnershipException extends SqlGitException {
  private final String feature;
  private final int index;
  private final String table;
  private final String owner;

  MigrationOwnershipException(String feature, int index, String table, String owner) {
    super(
        "migration "
            + feature
            + "#"
            + index
            + " touches table '"
            + table
            + "', which feature '"
            + owner
            + "' owns; the migration was rolled back");
    this.feature = feature;
    this.index = index;
    this.table = table;
    this.owner = owner;
  }

  /** The feature whose migration was refused. */
  public String feature() {
    return feature;
  }

  /** The refused entry's position in that feature's list (0-based). */
  public int index() {
    return index;
  }

  /** The table it touched, lower-case. */
  public String table() {
    return table;
  }

  /** The feature that created (owns) the table. */
  public String owner() {
    return owner;
  }
}
