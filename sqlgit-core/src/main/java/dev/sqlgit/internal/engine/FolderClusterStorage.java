package dev.sqlgit.internal.engine;

import dev.sqlgit.internal.log.ClusterLayout;
import dev.sqlgit.internal.log.JsonlFile;
import dev.sqlgit.internal.log.LogCodec;
import dev.sqlgit.internal.log.MasterLogEntry;
import dev.sqlgit.internal.log.SnapshotFile;
import dev.sqlgit.log.FolderLogStore;
import java.nio.file.Path;
import java.util.Optional;

/** A cluster folder shared through a file syncer: SPEC §1's layout. */
final class FolderClusterStorage extends ClusterStorage {
  private final ClusterLayout layout;

  FolderClusterStorage(Path root) {
    super(FolderLogStore.open(root));
    this.layout = new ClusterLayout(root);
  }

  /** A look at the file, not at its records: a long log is not read to learn that it exists. */
  @Override
  void ensureLog(String replica) {
    if (!java.nio.file.Files.exists(layout.logOf(replica))) {
      super.ensureLog(replica);
    }
  }

  @Override
  long repairOwnLog(String replica) {
    return JsonlFile.repairTail(layout.logOf(replica));
  }

  @Override
  Optional<byte[]> readSnapshot() {
    return SnapshotFile.read(layout.snapshot());
  }

  @Override
  int removeStaleTemps(String replica, boolean master) {
    int removed = JsonlFile.removeStaleTemps(layout.logOf(replica));
    return master ? removed + JsonlFile.removeStaleTemps(layout.snapshot()) : removed;
  }

  /** Reads the file itself, from the anchor's byte offset when it is still there. */
  @Override
  Optional<MasterLogTail> readMasterLogAfter(String masterId, long seq, String anchor, LinePosition hint) {
    Optional<JsonlFile.Tail> read =
        JsonlFile.linesAfter(layout.logOf(masterId), anchor, hint.offset(), Math.toIntExact(hint.line()));
    if (read.isEmpty()) {
      return Optional.empty();
    }
    JsonlFile.Tail tail = read.get();
    java.util.Map<Long, LinePosition> positions = new java.util.HashMap<>();
    positions.put(seq, new LinePosition(tail.anchorOffset(), tail.anchorNumber()));
    java.util.List<LinePosition> at = new java.util.ArrayList<>();
    for (int i = 0; i < tail.lines().size(); i++) {
      at.add(new LinePosition(tail.offsets().get(i), tail.lines().get(i).number()));
    }
    return Optional.of(tailOf(masterId, seq, tail.lines(), at, positions));
  }

  @Override
  LinePosition positionOfLastLine(String replica, String line) {
    java.nio.file.Path file = layout.logOf(replica);
    try {
      long length = line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1L;
      return new LinePosition(java.nio.file.Files.size(file) - length, super.positionOfLastLine(replica, line).line());
    } catch (java.io.IOException e) {
      return LinePosition.UNKNOWN; // only a hint: the next open scans instead
    }
  }

  @Override
  long markerOf(String masterId) {
    return JsonlFile.firstLine(layout.logOf(masterId))
        .filter(line -> line.startsWith("{\"kind\":\"snapshot\""))
        .map(line -> {
          try {
            return LogCodec.decodeMaster(describe(masterId), new dev.sqlgit.internal.log.JsonLine(1, line));
          } catch (dev.sqlgit.IntegrityException e) {
            return null; // still being delivered: no marker yet
          }
        })
        .map(e -> e instanceof MasterLogEntry.Snapshot s ? s.masterSeq() : 0L)
        .orElse(0L);
  }

  @Override
  long snapshotHead() {
    return SnapshotImage.headOfFile(layout.snapshot());
  }

  @Override
  void writeSnapshot(byte[] image) {
    SnapshotFile.write(layout.snapshot(), image);
  }

  @Override
  String describe(String replica) {
    return layout.logOf(replica).toString();
  }

  @Override
  public String describe() {
    return layout.root().toString();
  }

  @Override
  public void close() {
    logs().close();
  }
}
