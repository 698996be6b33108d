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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
   * Where a log line was last seen, to find it again cheaply: its byte offset where the store has
   * one (-1 otherwise) and its line number (a record seq, or a file line for error messages).
   */
  record LinePosition(long offset, long line) {
    static final LinePosition UNKNOWN = new LinePosition(-1, 0);
  }

  /** The master log after an anchor line, and where the anchor and each action after it are. */
  record MasterLogTail(MasterLog log, Map<Long, LinePosition> actionPositions) {}

  /**
   * The master log after the line of action {@code seq}, which must read exactly {@code anchor}:
   * only the lines after it are parsed. Where {@code hint} still points at the anchor, nothing
   * before it is read at all; otherwise the lines before it are compared, not parsed. Empty when
   * no line reads {@code anchor} (a squash trimmed it, or the log is not the one the anchor came
   * from).
   */
  Optional<MasterLogTail> readMasterLogAfter(String masterId, long seq, String anchor, LinePosition hint) {
    List<LogRecord> records = new ArrayList<>();
    if (hint.line() > 0) {
      try (Stream<LogRecord> from = logs.loadFrom(masterId, hint.line())) {
        from.forEach(records::add);
      }
    }
    if (records.isEmpty() || !records.get(0).data().equals(anchor)) {
      records.clear();
      boolean found = false;
      try (Stream<LogRecord> all = logs.loadAll(masterId)) {
        for (LogRecord r : (Iterable<LogRecord>) all::iterator) {
          found = found || r.data().equals(anchor);
          if (found) {
            records.add(r);
          }
        }
      }
      if (!found) {
        return Optional.empty();
      }
    }
    List<JsonLine> tail = new ArrayList<>();
    for (LogRecord r : records.subList(1, records.size())) {
      tail.add(new JsonLine(Math.toIntExact(r.seq()), r.data()));
    }
    List<LinePosition> at = tail.stream().map(l -> new LinePosition(-1, l.number())).toList();
    return Optional.of(tailOf(masterId, seq, new LinePosition(-1, records.get(0).seq()), tail, at));
  }

  /**
   * Parses the lines after the anchor line of action {@code seq} (found at {@code anchorAt}), and
   * notes where the anchor and each action after it are ({@code at}: where each line is).
   */
  MasterLogTail tailOf(String masterId, long seq, LinePosition anchorAt, List<JsonLine> tail, List<LinePosition> at) {
    MasterLog log = MasterLog.parseTail(markerOf(masterId), seq, tail, describe(masterId));
    Map<Long, LinePosition> positions = new HashMap<>();
    positions.put(seq, anchorAt);
    for (int i = 0; i < tail.size(); i++) {
      if (log.entries().get(i) instanceof MasterLogEntry.Action a) {
        positions.put(a.action().seq(), at.get(i));
      }
    }
    return new MasterLogTail(log, positions);
  }

  /** Where {@code line}, which this process just appended last to {@code replica}'s log, is. */
  LinePosition positionOfLastLine(String replica, String line) {
    return new LinePosition(-1, meta(replica).map(dev.sqlgit.log.LogMeta::lastSeq).orElse(0L));
  }

  /** The snapshot marker of the master log (0 when its first line is not one). */
  long markerOf(String masterId) {
    try (Stream<LogRecord> first = logs.loadFrom(masterId, 1).limit(1)) {
      return first
          .map(r -> LogCodec.decodeMaster(describe(masterId), new JsonLine(1, r.data())))
          .map(e -> e instanceof MasterLogEntry.Snapshot s ? s.masterSeq() : 0L)
          .findFirst()
          .orElse(0L);
    }
  }

  List<PeerLogEntry> readPeerLog(String peer) {
    return PeerLog.parse(lines(peer), describe(peer));
  }

  /**
   * Appends {@code entries} as one write, all or nothing, durable only once {@link #forceLog} ran
   * (group commit: see {@link LogFlusher}).
   */
  void appendAllDeferred(String replica, List<PeerLogEntry> entries) {
    logs.appendAllDeferred(replica, PeerLog.lines(entries));
  }

  /** {@link #appendAllDeferred} for the master log. */
  void appendAllMasterDeferred(String masterId, List<MasterLogEntry> entries) {
    logs.appendAllDeferred(masterId, MasterLog.lines(entries));
  }

  /** Makes every line appended to {@code replica}'s log so far durable; may run alongside appends. */
  void forceLog(String replica) {
    logs.force(replica);
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
