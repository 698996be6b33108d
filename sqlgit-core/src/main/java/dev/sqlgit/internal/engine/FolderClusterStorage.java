package dev.sqlgit.internal.engine;

import dev.sqlgit.internal.log.ClusterLayout;
import dev.sqlgit.internal.log.JsonlFile;
import dev.sqlgit.internal.log.SnapshotFile;
import dev.sqlgit.log.FolderLogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    if (!Files.exists(layout.logOf(replica))) {
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
    List<LinePosition> at = new ArrayList<>();
    for (int i = 0; i < tail.lines().size(); i++) {
      at.add(new LinePosition(tail.offsets().get(i), tail.lines().get(i).number()));
    }
    return Optional.of(tailOf(masterId, seq, new LinePosition(tail.anchorOffset(), tail.anchorNumber()), tail.lines(), at));
  }

  @Override
  LinePosition positionOfLastLine(String replica, String line) {
    Path file = layout.logOf(replica);
    try {
      long length = line.getBytes(StandardCharsets.UTF_8).length + 1L;
      return new LinePosition(Files.size(file) - length, super.positionOfLastLine(replica, line).line());
    } catch (IOException e) {
      return LinePosition.UNKNOWN; // only a hint: the next open scans instead
    }
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
