package dev.sqlgit.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.Peer;
import dev.sqlgit.testing.FileBytes;
import dev.sqlgit.testing.TempDirs;
import dev.sqlgit.testing.UserTables;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

/**
 * Checks a killed cluster as it lies on disk, before anything repairs it: (b) every acknowledged
 * item is in the files; (a) every replica reopens on its own root (torn tails cut, no
 * IntegrityException, no file-sync lag); (b) its state holds all of its author's acknowledged
 * items, in order, and at most one more (the submit in flight at the kill); (c) its state (reopened
 * from its state file, or rebuilt where the file no longer matches the logs) equals a fresh rebuild
 * of an independent copy of the crashed files, without state files.
 */
final class Recovery {
  private Recovery() {}

  /** Runs the checks and returns the reopened replicas, open (the caller closes them). */
  static Map<String, Peer> check(CrashCluster crashed, Path copyBase, Ledger ledger) {
    TempDirs.copy(crashed.base(), copyBase);
    CrashCluster copy = CrashCluster.rebuilding(copyBase);
    for (String id : CrashCluster.IDS) {
      Set<Long> onDisk = DiskItems.of(copy.rootOf(id), id);
      List<Long> missing =
          LongStream.rangeClosed(1, ledger.floor(id)).filter(n -> !onDisk.contains(n)).boxed().toList();
      assertThat(missing).as("acknowledged items of %s (1..%s) missing from the files", id, ledger.floor(id))
          .isEmpty();
    }
    Map<String, Peer> open = crashed.openAll();
    try {
      for (String id : CrashCluster.IDS) {
        checkReplica(crashed, copy, open.get(id), ledger);
      }
      return open;
    } catch (RuntimeException | Error e) {
      open.values().forEach(Peer::close);
      throw e;
    }
  }

  private static void checkReplica(CrashCluster crashed, CrashCluster copy, Peer peer, Ledger ledger) {
    String id = peer.peerId();
    byte[] log = FileBytes.bytes(crashed.net().logAt(id, id));
    assertThat(log.length == 0 || log[log.length - 1] == '\n').as("torn tail of %s cut on open", id).isTrue();
    long head = CrashSchema.checkItems(peer.db(), id);
    long floor = ledger.floor(id);
    assertThat(head).as("items of %s after the kill (acknowledged: %s)", id, floor).isBetween(floor, floor + 1);
    ledger.raise(id, head);
    try (Peer fresh = copy.open(id)) {
      assertThat(UserTables.dump(peer.db())).as("state of %s vs a rebuild of a copy", id)
          .isEqualTo(UserTables.dump(fresh.db()));
      assertThat(peer.masterHead()).as("master head of %s vs the copy", id).isEqualTo(fresh.masterHead());
      assertThat(peer.pending()).as("pending of %s vs the copy", id).isEqualTo(fresh.pending());
    }
  }
}
