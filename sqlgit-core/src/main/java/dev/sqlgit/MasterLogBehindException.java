package dev.sqlgit;

/**
 * Transient: the master log on disk ends before a master seq this peer already integrated, as
 * happens while a syncer that copies in place is rewriting the file. Nothing was changed; retry
 * once the syncer has finished. ({@link #snapshotHead()} is the head found on disk, {@link
 * #declaredHead()} the head this peer needs.)
 */
public class MasterLogBehindException extends FileSyncLagException {
  public MasterLogBehindException(long onDisk, long integrated) {
    super(
        "the master log on disk ends at seq "
            + onDisk
            + ", behind seq "
            + integrated
            + " which this peer already integrated; the file syncer is still delivering it, retry"
            + " later",
        onDisk,
        integrated);
  }
}
