package dev.sqlgit;

/**
 * A log or snapshot in the cluster root is malformed or inconsistent (a complete line that is not
 * valid JSON, a gap in master seqs, an unknown entry kind). The message names the file and line.
 * Nothing is rewritten away: fix or restore the file, then retry.
 */
public class IntegrityException extends SqlGitException {
  public IntegrityException(String message) {
    super(message);
  }

  public IntegrityException(String message, Throwable cause) {
    super(message, cause);
  }
}
