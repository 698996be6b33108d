package dev.sqlgit.internal.engine;

import dev.sqlgit.FileSyncLagException;
import dev.sqlgit.internal.log.MasterLog;
import java.util.Optional;

/** How a peer reads the master's history from its cluster root: whole, or as a tail after an anchor. */
final class MasterHistoryReads {
  private MasterHistoryReads() {}

  /** Reads snapshot + master log as this replica's root has them; throws on file-sync lag. */
  static MasterHistory readHistory(ClusterStorage cluster, String masterId, ActionCatalog actions) {
    MasterLog masterLog = cluster.readMasterLog(masterId);
    long snapshotHead = cluster.snapshotHead();
    if (masterLog.snapshotMarker() > snapshotHead) {
      throw new FileSyncLagException(snapshotHead, masterLog.snapshotMarker());
    }
    // Only the reference path reads the snapshot itself; it must still be the one whose head we saw.
    java.util.function.Supplier<byte[]> image = () -> {
      byte[] file = cluster.readSnapshot().orElse(null);
      long head = SnapshotImage.headOf(file);
      if (head != snapshotHead) {
        throw new FileSyncLagException(head, snapshotHead);
      }
      return SnapshotImage.stateOf(file, actions.migrations());
    };
    return new MasterHistory(actions, image, snapshotHead, masterLog.actions());
  }

  /**
   * The tail of the master history after {@code seq}, whose log line is {@code anchor}: only the
   * lines after it are parsed. Empty when the log no longer holds that line or a snapshot has
   * passed it: then only the whole history will do.
   */
  static Optional<MasterHistory> readHistoryAfter(ClusterStorage cluster, String masterId, ActionCatalog actions,
      long seq, String anchor, ClusterStorage.LinePosition hint) {
    if (anchor.isEmpty()) {
      return Optional.empty();
    }
    Optional<ClusterStorage.MasterLogTail> tail = cluster.readMasterLogAfter(masterId, seq, anchor, hint);
    if (tail.isEmpty()) {
      return Optional.empty();
    }
    long marker = tail.get().log().snapshotMarker();
    long snapshotHead = cluster.snapshotHead();
    if (marker > snapshotHead) {
      throw new FileSyncLagException(snapshotHead, marker);
    }
    if (snapshotHead > seq) {
      return Optional.empty();
    }
    return Optional.of(MasterHistory.tail(actions, snapshotHead, seq, anchor, tail.get().log().actions(),
        tail.get().actionPositions(), () -> readHistory(cluster, masterId, actions)));
  }
}
