package dev.sqlgit;

/**
 * A resolver answered something the engine cannot carry out: {@code FORCE} on an action that
 * throws, {@code RETRY} without a mitigation, or {@code null}. The sync fails and the peer is left
 * as it was before it.
 */
public class ResolutionException extends SqlGitException {
  public ResolutionException(String message) {
    super(message);
  }

  public ResolutionException(String message, Throwable cause) {
    super(message, cause);
  }
}
