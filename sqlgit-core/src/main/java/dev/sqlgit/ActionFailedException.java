package dev.sqlgit;

/**
 * An action threw; none of its statements remain. {@link #getCause()} is what the action threw
 * (for example a {@link StorageException} for a violated CHECK constraint).
 */
public class ActionFailedException extends SqlGitException {
  private final String actionName;

  public ActionFailedException(String actionName, Throwable cause) {
    super("action '" + actionName + "' failed: " + cause.getMessage(), cause);
    this.actionName = actionName;
  }

  /** The name of the action that threw. */
  public String actionName() {
    return actionName;
  }
}
