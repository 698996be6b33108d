package dev.sqlgit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.testing.FileSyncer;
import dev.sqlgit.testing.Notes;
import dev.sqlgit.testing.Replicas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Temp files left by writes a crash interrupted are removed when their writer opens again, so a
 * syncer does not copy them everywhere; other replicas' temp files are never touched.
 */
class StaleTempFilesTest {
  @TempDir Path dir;

  @Test
  void aReplicaRemovesItsOwnStaleTempFilesAndNobodyElses() throws Exception {
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    Path alice = net.rootOf("alice");
    Path bob = net.rootOf("bob");
    Files.createDirectories(alice.resolve("peers"));
    Files.createDirectories(bob.resolve("peers"));
    Path masterLogTemp = Files.writeString(alice.resolve("peers/.alice.jsonl.1a2b.tmp"), "half");
    Path snapshotTemp = Files.write(alice.resolve(".snapshot.db.3c4d.tmp"), new byte[2048]);
    Path othersTemp = Files.writeString(alice.resolve("peers/.bob.jsonl.5e6f.tmp"), "not mine");
    Path bobsTemp = Files.writeString(bob.resolve("peers/.bob.jsonl.7a8b.tmp"), "half");
    Path bobsSnapshotCopy = Files.write(bob.resolve(".snapshot.db.9c0d.tmp"), new byte[16]);

    try (Peer a = Replicas.open(net, "alice", Notes.actions()); Peer b = Replicas.open(net, "bob", Notes.actions())) {
      assertThat(masterLogTemp).doesNotExist();
      assertThat(snapshotTemp).doesNotExist();
      assertThat(othersTemp).as("bob's temp in alice's copy is bob's business").exists();
      assertThat(bobsTemp).doesNotExist();
      assertThat(bobsSnapshotCopy).as("a peer never writes the snapshot").exists();
    }
  }
}
