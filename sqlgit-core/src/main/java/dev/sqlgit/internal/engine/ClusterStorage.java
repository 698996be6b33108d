package dev.sqlgit.internal.engine;

import dev.sqlgit.internal.log.ClusterLayout;
import dev.sqlgit.internal.log.JsonLine;
import dev.sqlgit.internal.log.LogCodec;
import dev.sqlgit.internal.log.MasterLog;
import dev.sqlgit.internal.log.MasterLogEntry;
import dev.sqlgit.internal.log.PeerLog;
import dev.sqlgit.internal.log.PeerLogEntry;
import dev.sqlgit.log.LogRecord;
import dev.sqlgit.log.LogStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a cluster lives: its logs, read and written only through a {@link LogStore} (one document
 * per replica, named by its id), and its snapshot. A folder keeps the snapshot as {@code
 * snapshot.db} next to {@code peers/}; any other store keeps it inside the store.
 */
public abstract class ClusterStorage implements AutoCloseable {
  private final LogStore logs;

  ClusterStorage(LogStore logs) {
    this.logs = logs;
  }

  /** A cluster folder ({@code peers/<id>.jsonl} and {@code snapshot.db}), created when missing. */
  public static ClusterStorage folder(java.nio.file.Path root) {
    return new FolderClusterStorage(root);
  }

  /** A cluster kept entirely in {@code logs}, which the caller owns and closes. */
  public static ClusterStorage in(LogStore logs) {
    return new LogStoreClusterStorage(logs);
  }

  LogStore logs() {
    return logs;
  }

  abstract Optional<byte[]> readSnapshot();

  /** The master seq the snapshot holds (0 without one), read without loading the whole image. */
  long snapshotHead() {
    return SnapshotImage.headOf(readSnapshot().orElse(null));
  }

  abstract void writeSnapshot(byte[] image);

  /** Names a replica's log in error messages. */
  abstract String describe(String replica);

  /** Names the cluster in error messages. */
  public abstract String describe();

  /** Ids of every replica with a log, sorted; documents that are not logs are ignored. */
  List<String> replicaIds() {
    List<String> ids = new ArrayList<>();
    for (String id : logs.listDocIds("")) {
      if (ClusterLayout.PEER_ID.matcher(id).matches()) {
        ids.add(id);
      }
    }
    return ids;
  }

  /**
   * Cuts a torn last line off the log of {@code replica}, which this process writes: that append
   * never returned, so it was never acknowledged. Returns the bytes removed (0 where records are
   * whole by construction).
   */
  long repairOwnLog(String replica) {
    return 0;
  }

  /**
   * Removes what interrupted writes of {@code replica}'s own files left behind (temp files that a
   * syncer would otherwise copy everywhere). Returns how many; 0 where writes leave nothing.
   */
  int removeStaleTemps(String replica, boolean master) {
    return 0;
  }

  /** What the log store knows of {@code replica}'s log (generation, last seq). */
  Optional<dev.sqlgit.log.LogMeta> meta(String replica) {
    return logs.currentMeta(replica);
  }

  /** Creates {@code replica}'s log, empty, when it does not exist yet. */
  void ensureLog(String replica) {
    if (logs.currentMeta(replica).isEmpty()) {
      logs.replace(replica, List.of());
    }
  }

  MasterLog readMasterLog(String masterId) {
    return MasterLog.parse(lines(masterId), describe(masterId));
  }

  /**
   * The master log after the line of action {@code seq}, which must read exactly {@code anchor}:
   * only the lines after it are parsed, the others are merely compared (a long history costs a
   * scan, not a parse). Empty when no line reads {@code anchor} (a squash trimmed it, or the log
   * is not the one the anchor came from).
   */
  Optional<MasterLog> readMasterLogAfter(String masterId, long seq, String anchor) {
    long marker = 0;
    boolean found = false;
    List<JsonLine> tail = new ArrayList<>();
    try (Stream<LogRecord> records = logs.loadAll(masterId)) {
      for (LogRecord r : (Iterable<LogRecord>) records::iterator) {
        if (found) {
          tail.add(new JsonLine(Math.toIntExact(r.seq()), r.data()));
        } else if (r.data().equals(anchor)) {
          found = true;
        } else if (r.seq() == 1
            && LogCodec.decodeMaster(describe(masterId), new JsonLine(1, r.data())) instanceof MasterLogEntry.Snapshot s) {
          marker = s.masterSeq();
        }
      }
    }
    if (!found) {
      return Optional.empty();
    }
    return Optional.of(MasterLog.parseTail(marker, seq, tail, describe(masterId)));
  }

  List<PeerLogEntry> readPeerLog(String peer) {
    return PeerLog.parse(lines(peer), describe(peer));
  }

  /** Appends {@code entries} as one durable write (group commit). */
  void appendAll(String replica, List<PeerLogEntry> entries) {
    logs.appendAll(replica, PeerLog.lines(entries));
  }

  void appendAllMaster(String masterId, List<MasterLogEntry> entries) {
    logs.appendAll(masterId, MasterLog.lines(entries));
  }

  void append(String masterId, MasterLogEntry entry) {
    logs.append(masterId, MasterLog.lines(List.of(entry)).get(0));
  }

  void rewritePeerLog(String replica, List<PeerLogEntry> entries) {
    logs.replace(replica, PeerLog.lines(entries));
  }

  void rewriteMasterLog(String masterId, List<MasterLogEntry> entries) {
    logs.replace(masterId, MasterLog.lines(entries));
  }

  private List<JsonLine> lines(String replica) {
    List<JsonLine> lines = new ArrayList<>();
    try (Stream<LogRecord> records = logs.loadAll(replica)) {
      records.forEach(r -> lines.add(new JsonLine(Math.toIntExact(r.seq()), r.data())));
    }
    return lines;
  }

  @Override
  public abstract void close();
}
