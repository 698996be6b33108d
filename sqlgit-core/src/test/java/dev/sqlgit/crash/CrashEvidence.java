package dev.sqlgit.crash;

import dev.sqlgit.internal.log.MasterLog;
import dev.sqlgit.internal.sqlite.SqliteDb;
import dev.sqlgit.testing.FileBytes;
import dev.sqlgit.testing.FileSyncer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What a kill left on disk, read before any replica reopens the files, so the test can tell which
 * delicate window a kill hit: a temp file of a snapshot write or of a log rewrite (killed before
 * its rename), a syncer's half-copied file, a torn last line of an own log, or a {@code
 * snapshot.db} ahead of the master log's marker (killed between the two steps of a squash).
 */
record CrashEvidence(Set<String> tempFiles, Set<String> tornLogs, long snapshotHead, long marker) {

  static CrashEvidence scan(CrashCluster cluster) {
    Set<String> temps = new TreeSet<>();
    Set<String> torn = new TreeSet<>();
    for (String id : CrashCluster.IDS) {
      Path root = cluster.rootOf(id);
      try (Stream<Path> files = Files.walk(root)) {
        files.filter(f -> f.getFileName().toString().startsWith("."))
            .forEach(f -> temps.add(id + ":" + root.relativize(f)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Path own = cluster.net().logAt(id, id);
      byte[] bytes = Files.exists(own) ? FileBytes.bytes(own) : new byte[0];
      if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
        torn.add(id);
      }
    }
    Path masterRoot = cluster.rootOf(CrashCluster.MASTER);
    long marker = MasterLog.read(cluster.net().logAt(CrashCluster.MASTER, CrashCluster.MASTER)).snapshotMarker();
    return new CrashEvidence(temps, torn, snapshotHead(masterRoot.resolve(FileSyncer.SNAPSHOT)), marker);
  }

  /** The head recorded in a {@code snapshot.db}, 0 when there is none. */
  static long snapshotHead(Path snapshot) {
    if (!Files.exists(snapshot)) {
      return 0;
    }
    try (SqliteDb db = SqliteDb.fromImage(FileBytes.bytes(snapshot), "crash-evidence")) {
      return db.one("SELECT value FROM _sqlgit_meta WHERE key = 'snapshot_head'", Long.class).orElse(0L);
    }
  }

  /** The windows the kill between {@code before} and {@code after} left evidence of. */
  static List<String> windows(CrashEvidence before, CrashEvidence after) {
    List<String> out = new ArrayList<>();
    for (String temp : after.tempFiles()) {
      if (!before.tempFiles().contains(temp)) {
        out.add(classify(temp));
      }
    }
    after.tornLogs().forEach(id -> out.add("torn-append"));
    boolean ahead = after.snapshotHead() > after.marker();
    if (ahead && (after.snapshotHead() != before.snapshotHead() || after.marker() != before.marker())) {
      out.add("between-snapshot-and-log-rewrite");
    }
    return out;
  }

  private static String classify(String temp) {
    String name = Path.of(temp.substring(temp.indexOf(':') + 1)).getFileName().toString();
    if (name.endsWith(".syncing")) {
      return "syncer-copy";
    }
    if (name.startsWith(".snapshot.db.")) {
      return "snapshot-write";
    }
    if (name.startsWith("." + CrashCluster.MASTER + ".jsonl.")) {
      return "master-log-rewrite";
    }
    return name.matches("\\.p\\d+\\.jsonl\\..*\\.tmp") ? "peer-log-rewrite" : "other-temp:" + name;
  }
}
