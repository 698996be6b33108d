package dev.sqlgit;

/**
 * A log entry or snapshot was written by newer application code: its schema version is above the
 * migrations this replica's {@link ActionRegistry} knows. Nothing was changed; upgrade the
 * application on this replica.
 */
public class SchemaTooNewException extends SqlGitException {
  private final int required;
  private final int known;

  public SchemaTooNewException(int required, int known, String where) {
    super(
        where
            + " needs schema version "
            + required
            + " but this application only knows "
            + known
            + "; upgrade the application");
    this.required = required;
    this.known = known;
  }

  /** The schema version the entry needs. */
  public int required() {
    return required;
  }

  /** The newest schema version this replica's registry declares. */
  public int known() {
    return known;
  }
}
