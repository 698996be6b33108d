package dev.sqlgit;

/**
 * Package-private diagnostics of {@link Peer}, for the benchmarks (this class shares its package
 * on the class path; it is not part of the API).
 */
public final class PeerProbe {
  private PeerProbe() {}

  /** Mean number of submissions per group-commit batch the peer has written. */
  public static double meanBatchSize(Peer peer) {
    return peer.meanBatchSize();
  }

  /** Submits one group-commit batch from the calling thread: the writer's cost alone. */
  public static void submitBatch(Peer peer, String name, java.util.List<?> params) {
    peer.submitBatch(name, params);
  }
}
