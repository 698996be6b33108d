package dev.sqlgit.crash;

import dev.sqlgit.Peer;
import dev.sqlgit.testing.FileSyncer;
import dev.sqlgit.PeerOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The crash tests' cluster: master {@code m} and peers {@code p1}, {@code p2}, each on its own copy
 * of the cluster root under one base folder, and the syncer between them. Deliveries go the way a
 * syncer that respects one writer per file does: peer logs to the master, the master's snapshot
 * then its log to the peers. Used by the child workload and by the test that checks it.
 */
final class CrashCluster {
  static final String MASTER = "m";
  static final List<String> PEERS = List.of("p1", "p2");
  static final List<String> IDS = List.of(MASTER, "p1", "p2");

  private final Path base;
  private final FileSyncer net;
  private final boolean persistent;

  /** The cluster as the workload runs it: every replica keeps its state in {@code base/states/<id>}. */
  CrashCluster(Path base) {
    this(base, true);
  }

  private CrashCluster(Path base, boolean persistent) {
    this.base = base;
    this.net = new FileSyncer(base, MASTER, IDS);
    this.persistent = persistent;
  }

  /** The same files, opened without state files: every replica rebuilds from snapshot + logs. */
  static CrashCluster rebuilding(Path base) {
    return new CrashCluster(base, false);
  }

  /** The folder that holds every replica's root. */
  Path base() {
    return base;
  }

  FileSyncer net() {
    return net;
  }

  Path rootOf(String id) {
    return net.rootOf(id);
  }

  /** Creates the cluster: the master submits {@code init}, every peer opens once. */
  static CrashCluster create(Path base) {
    CrashCluster cluster = new CrashCluster(base);
    try (Peer master = cluster.open(MASTER)) {
      master.submit("init", null);
    }
    cluster.deliverMaster();
    for (String p : PEERS) {
      cluster.open(p).close();
    }
    return cluster;
  }

  Peer open(String id) {
    PeerOptions.Builder options =
        PeerOptions.builder().root(net.rootOf(id)).peerId(id).masterId(MASTER).actions(CrashSchema.actions());
    return Peer.open(persistent ? options.stateDir(base.resolve("states").resolve(id)).build() : options.build());
  }

  /** Opens every replica, master first. */
  Map<String, Peer> openAll() {
    Map<String, Peer> open = new LinkedHashMap<>();
    try {
      for (String id : IDS) {
        open.put(id, open(id));
      }
    } catch (RuntimeException | Error e) {
      open.values().forEach(Peer::close);
      throw e;
    }
    return open;
  }

  /** Every peer's log to the master's root. */
  void deliverPeers() {
    for (String p : PEERS) {
      net.deliver(FileSyncer.logOf(p), MASTER);
    }
  }

  /** The master's snapshot, then its log, to every peer's root. */
  void deliverMaster() {
    for (String p : PEERS) {
      net.deliverMasterTo(p);
    }
  }
}
