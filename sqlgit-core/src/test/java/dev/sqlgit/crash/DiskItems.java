package dev.sqlgit.crash;

import dev.sqlgit.MasterAction;
import dev.sqlgit.internal.log.MasterLog;
import dev.sqlgit.internal.log.PeerLog;
import dev.sqlgit.internal.log.PeerLogEntry;
import dev.sqlgit.internal.sqlite.SqliteDb;
import dev.sqlgit.testing.FileBytes;
import dev.sqlgit.testing.FileSyncer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * The item numbers of one author found in the files of a cluster root, read without the engine:
 * the author's own log (complete lines only), the master log and the items table of {@code
 * snapshot.db}. An acknowledged item must be in one of them: it was fsynced to the own log, and
 * leaves it only once the master log (and later the snapshot) holds it.
 */
final class DiskItems {
  private DiskItems() {}

  static Set<Long> of(Path root, String author) {
    Set<Long> found = new TreeSet<>();
    Path own = root.resolve(FileSyncer.logOf(author));
    if (!author.equals(CrashCluster.MASTER) && Files.exists(own)) {
      for (PeerLogEntry e : PeerLog.read(own)) {
        if (e instanceof PeerLogEntry.Action) {
          found.add(((PeerLogEntry.Action) e).action().params().get("n").asLong());
        }
      }
    }
    for (MasterAction a : MasterLog.read(root.resolve(FileSyncer.logOf(CrashCluster.MASTER))).actions()) {
      if (a.name().equals("add") && a.params().get("author").asText().equals(author)) {
        found.add(a.params().get("n").asLong());
      }
    }
    Path snapshot = root.resolve(FileSyncer.SNAPSHOT);
    if (Files.exists(snapshot)) {
      try (SqliteDb db = SqliteDb.fromImage(FileBytes.bytes(snapshot), "crash-disk-items")) {
        found.addAll(db.query("SELECT n FROM items WHERE author = ?", Long.class, author));
      }
    }
    return found;
  }
}
