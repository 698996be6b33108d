package dev.sqlgit;

/**
 * Root of every error sqlgit throws. The public API throws no checked exceptions.
 *
 * <p>Subclasses name what went wrong: {@link StorageException} (SQLite or the file system),
 * {@link IntegrityException} (a malformed or inconsistent log), {@link UnknownActionException},
 * {@link ActionFailedException}, {@link FileSyncLagException} (transient),
 * {@link UnresolvedConflictException}, {@link ResolutionException} and {@link ClosedException}.
 */
public class SqlGitException extends RuntimeException {
  public SqlGitException(String message) {
    super(message);
  }

  public SqlGitException(String message, Throwable cause) {
    super(message, cause);
  }
}
