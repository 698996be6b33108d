package dev.sqlgit;

/**
 * SQLite or the file system failed: a constraint, a full disk, a locked or unreadable file.
 *
 * <p>{@link #resultCode()} is SQLite's primary result code (for example 19 for a constraint, 8 for
 * a write to a read-only database), or -1 when the failure came from the file system.
 */
public class StorageException extends SqlGitException {
  private final int resultCode;

  public StorageException(String message, int resultCode, Throwable cause) {
    super(message, cause);
    this.resultCode = resultCode;
  }

  /** SQLite's primary result code, or -1 for file-system failures. */
  public int resultCode() {
    return resultCode;
  }
}
