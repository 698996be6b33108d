package dev.sqlgit;

/**
 * A {@link LiveQuery} failed to re-run after a change (for example, an action dropped a table it
 * reads). The query keeps its last good result and tries again at the next change; {@link
 * #getCause()} is what SQLite or the mapping threw.
 */
public class LiveQueryException extends SqlGitException {
  private final String sql;

  public LiveQueryException(String sql, Throwable cause) {
    super("live query failed to re-run: " + cause.getMessage() + " [" + sql + "]", cause);
    this.sql = sql;
  }

  /** The query's SQL text. */
  public String sql() {
    return sql;
  }
}
