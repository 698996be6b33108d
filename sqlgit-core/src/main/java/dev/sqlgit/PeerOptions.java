package dev.sqlgit;

import dev.sqlgit.internal.log.ClusterLayout;
import dev.sqlgit.log.LogStore;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * How to open a {@link Peer}: where the cluster lives (a folder shared by a file syncer, or a
 * {@link LogStore}), this peer's id, the master's id, the shared actions, and optional settings
 * (a folder for local state, the executor of live queries, group commit of submits).
 *
 * <pre>{@code
 * PeerOptions options = PeerOptions.builder()
 *     .root(Path.of("shared/cluster"))
 *     .peerId("bob").masterId("alice")
 *     .actions(actions)
 *     .build();
 * }</pre>
 *
 * <p>Exactly one of {@code root} and {@code logStore} is set. Peer ids are 1–64 characters of
 * letters, digits, {@code _} and {@code -}. {@code stateDir} and {@code liveExecutor} may be null
 * (see the builder); {@code groupCommit} is on unless turned off. Immutable.
 */
public record PeerOptions(
    Path root,
    LogStore logStore,
    String peerId,
    String masterId,
    ActionRegistry actions,
    Path stateDir,
    Executor liveExecutor,
    boolean groupCommit) {

  public PeerOptions {
    if (root == null && logStore == null) {
      throw new NullPointerException("root (a cluster folder) or logStore (a cluster kept in a LogStore)");
    }
    if (root != null && logStore != null) {
      throw new IllegalArgumentException("give root or logStore, not both");
    }
    Objects.requireNonNull(actions, "actions");
    ClusterLayout.checkPeerId(peerId, "peerId");
    ClusterLayout.checkPeerId(masterId, "masterId");
  }

  /** Starts an empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The cluster folder, when the cluster lives in one. */
  public Optional<Path> rootFolder() {
    return Optional.ofNullable(root);
  }

  /** The local state folder, when one was given. */
  public Optional<Path> stateDirectory() {
    return Optional.ofNullable(stateDir);
  }

  /** Whether this peer is the cluster's master. */
  public boolean isMaster() {
    return peerId.equals(masterId);
  }

  /** Collects options; not thread-safe. */
  public static final class Builder {
    private Path root;
    private LogStore logStore;
    private String peerId;
    private String masterId;
    private ActionRegistry actions;
    private Path stateDir;
    private Executor liveExecutor;
    private boolean groupCommit = true;

    private Builder() {}

    /** The cluster root folder, shared through a file syncer. Give this or {@link #logStore}. */
    public Builder root(Path root) {
      this.root = root;
      return this;
    }

    /**
     * Keeps the cluster in {@code logs} instead of a folder (for example a shared {@code
     * SqliteLogStore}): one document per replica's log, plus the snapshot. The caller owns the
     * store and closes it after the peer. Give this or {@link #root}.
     */
    public Builder logStore(LogStore logs) {
      this.logStore = logs;
      return this;
    }

    /** This peer's id. Required. */
    public Builder peerId(String peerId) {
      this.peerId = peerId;
      return this;
    }

    /** The master's id, the same on every peer of the cluster. Required. */
    public Builder masterId(String masterId) {
      this.masterId = masterId;
      return this;
    }

    /** The actions, the same on every peer of the cluster. Required. */
    public Builder actions(ActionRegistry actions) {
      this.actions = actions;
      return this;
    }

    /**
     * A folder for this peer's local state ({@code state.db}, {@code journal.db}, {@code
     * writer.lock}), created when missing. Optional: without it the state lives in memory and open
     * replays the logs; with it, a reopen takes the state as the files hold it (rebuilding them
     * only when they no longer match the logs), and several processes may open the same peer and
     * take turns writing. One folder per peer: a folder of another replica is rebuilt, not used.
     *
     * <pre>{@code
     * PeerOptions.builder().root(Path.of("shared/cluster")).peerId("bob").masterId("alice")
     *     .actions(actions).stateDir(Path.of("local/bob")).build();
     * }</pre>
     */
    public Builder stateDir(Path stateDir) {
      this.stateDir = stateDir;
      return this;
    }

    /**
     * Where live queries re-run and call their listeners and Flow subscribers. Optional: by default
     * each peer starts one daemon thread, {@code sqlgit-live-<peerId>}, with its first live query,
     * and stops it on {@code close()}. A given executor is not shut down by the peer. Whatever the
     * executor, a query never re-runs concurrently with itself and a listener is never called
     * concurrently with itself; a direct executor ({@code Runnable::run}) runs them on the thread
     * that committed, after the commit, which makes that submit wait for them.
     */
    public Builder liveExecutor(Executor liveExecutor) {
      this.liveExecutor = liveExecutor;
      return this;
    }

    /**
     * Group commit of submits (on by default): submits from several threads share one transaction
     * and one fsync of the log; each submit still returns only once it is durable. The peer then
     * writes batches on a daemon thread of its own, {@code sqlgit-writer-<peerId>} (actions run
     * there), and fsyncs them on another, {@code sqlgit-fsync-<peerId>}, so that a batch is applied
     * while the one before is fsynced; both start with the first concurrent submit and stop on
     * {@code close()}. A lone submit (no other one under way) runs in the calling thread. Off: each
     * submit runs in the calling thread with a transaction and an fsync of its own.
     */
    public Builder groupCommit(boolean on) {
      this.groupCommit = on;
      return this;
    }

    public PeerOptions build() {
      return new PeerOptions(root, logStore, peerId, masterId, actions, stateDir, liveExecutor, groupCommit);
    }
  }
}
