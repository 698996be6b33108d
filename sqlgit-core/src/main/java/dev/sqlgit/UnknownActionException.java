package dev.sqlgit;

/** An action name that the {@link ActionRegistry} does not know. Nothing was written. */
public class UnknownActionException extends SqlGitException {
  private final String actionName;

  public UnknownActionException(String actionName) {
    super("unknown action '" + actionName + "': register it in the ActionRegistry of every peer");
    this.actionName = actionName;
  }

  /** The name that was looked up. */
  public String actionName() {
    return actionName;
  }
}
