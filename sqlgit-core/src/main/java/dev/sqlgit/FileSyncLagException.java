package dev.sqlgit;

/**
 * Transient: the file syncer delivered a master log whose snapshot marker is ahead of the
 * {@code snapshot.db} on disk. Nothing was changed; retry once the snapshot has arrived.
 */
public class FileSyncLagException extends SqlGitException {
  private final long snapshotHead;
  private final long declaredHead;

  public FileSyncLagException(long snapshotHead, long declaredHead) {
    this(
        "snapshot.db is at master seq "
            + snapshotHead
            + " but the master log starts from a snapshot at "
            + declaredHead
            + "; the file syncer has not delivered the new snapshot yet, retry later",
        snapshotHead,
        declaredHead);
  }

  FileSyncLagException(String message, long snapshotHead, long declaredHead) {
    super(message);
    this.snapshotHead = snapshotHead;
    this.declaredHead = declaredHead;
  }

  /** The head recorded inside the {@code snapshot.db} on disk (0 when there is none). */
  public long snapshotHead() {
    return snapshotHead;
  }

  /** The head named by the master log's newest snapshot marker. */
  public long declaredHead() {
    return declaredHead;
  }
}
