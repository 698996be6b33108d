package dev.sqlgit.testing;

import dev.sqlgit.ActionRegistry;
import dev.sqlgit.Peer;
import dev.sqlgit.PeerOptions;
import java.nio.file.Path;

/** Opens replicas (master or peer) the way the tests run them: default options, shared actions. */
public final class Replicas {
  private Replicas() {}

  /** Opens replica {@code id} on its copy of the cluster root that {@code net} keeps in step. */
  public static Peer open(FileSyncer net, String id, ActionRegistry actions) {
    return open(net.rootOf(id), id, net.masterId(), actions);
  }

  /** Opens replica {@code id} on any cluster root, for example a copy made to imitate a crash. */
  public static Peer open(Path root, String id, String masterId, ActionRegistry actions) {
    return Peer.open(PeerOptions.builder().root(root).peerId(id).masterId(masterId).actions(actions).build());
  }
}
