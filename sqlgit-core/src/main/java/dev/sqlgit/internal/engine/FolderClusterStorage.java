package dev.sqlgit.internal.engine;

import dev.sqlgit.internal.log.ClusterLayout;
import dev.sqlgit.internal.log.JsonlFile;
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
