package dev.sqlgit.internal.engine;

import dev.sqlgit.ActionFailedException;
import dev.sqlgit.IntegrityException;
import dev.sqlgit.MasterAction;
import dev.sqlgit.internal.sqlite.Footprint;
import dev.sqlgit.internal.sqlite.RowKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The master's history as a replica knows it: the snapshot (image + head) and every master action
 * after it. This is the <b>reference path</b>: any state at any master seq is rebuilt from the
 * snapshot by replaying actions, and the write set of each master action is what SQLite reported
 * while replaying it. Confined to the engine's writer.
 */
final class MasterHistory {
  private final ActionCatalog actions;
  /** The state at the snapshot head (no bookkeeping tables), or null for the empty state. */
  private byte[] snapshotImage;
  /** Loads {@link #snapshotImage} on first need (the fast path never needs it); null once loaded. */
  private java.util.function.Supplier<byte[]> snapshotLoader;
  private long snapshotHead;
  /**
   * The actions listed are those after this seq: the snapshot head for a complete history, or a
   * later seq for a tail (what a peer that already integrated up to it needs for the fast path).
   */
  private long knownFrom;
  /** The log line of action {@link #knownFrom} in a tail; null in a complete history. */
  private String knownFromLine;
  /** Where the lines of the tail's anchor and actions are in the log (for the next read). */
  private final Map<Long, ClusterStorage.LinePosition> positions = new HashMap<>();
  /** Reads the complete history, for a tail asked about what lies before it; null once complete. */
  private java.util.function.Supplier<MasterHistory> completer;
  private final List<MasterAction> log = new ArrayList<>();
  private final Map<Long, Set<RowKey>> writes = new HashMap<>();
  private final Map<String, Set<Long>> incorporated = new HashMap<>();
  /** Write sets recorded elsewhere (a state file's journal), asked before replaying history. */
  private java.util.function.LongFunction<java.util.Optional<Set<RowKey>>> recordedWrites =
      seq -> java.util.Optional.empty();

  MasterHistory(ActionCatalog actions, byte[] snapshotImage, long snapshotHead, List<MasterAction> after) {
    this(actions, () -> snapshotImage, snapshotHead, after);
  }

  /** A history whose snapshot image is read only if a state must be rebuilt from it. */
  MasterHistory(
      ActionCatalog actions,
      java.util.function.Supplier<byte[]> snapshotLoader,
      long snapshotHead,
      List<MasterAction> after) {
    this(actions, snapshotLoader, snapshotHead, snapshotHead, null, after);
  }

  private MasterHistory(
      ActionCatalog actions,
      java.util.function.Supplier<byte[]> snapshotLoader,
      long snapshotHead,
      long knownFrom,
      String knownFromLine,
      List<MasterAction> after) {
    this.actions = actions;
    this.snapshotLoader = snapshotLoader;
    this.snapshotHead = snapshotHead;
    this.knownFrom = knownFrom;
    this.knownFromLine = knownFromLine;
    for (MasterAction a : after) {
      if (a.seq() > knownFrom) {
        add(a);
      }
    }
  }

  /**
   * The tail of a history after action {@code from} (whose log line is {@code fromLine}): enough for
   * the fast path, which looks back only as far as the oldest base it checks. Anything older (a
   * rebuilt state, actions before {@code from}) first reads the whole history through {@code
   * complete}, once; {@link #isIncorporated} answers for the tail only, so callers {@link
   * #ensureFrom} the base of the actions they ask about (an action is incorporated after its base).
   */
  static MasterHistory tail(
      ActionCatalog actions,
      long snapshotHead,
      long from,
      String fromLine,
      List<MasterAction> after,
      Map<Long, ClusterStorage.LinePosition> positions,
      java.util.function.Supplier<MasterHistory> complete) {
    java.util.function.Supplier<byte[]> none = () -> {
      throw new IllegalStateException("a history tail has no snapshot");
    };
    MasterHistory tail = new MasterHistory(actions, none, snapshotHead, from, fromLine, after);
    tail.positions.putAll(positions);
    tail.completer = complete;
    return tail;
  }

  /** Where the line of action {@code seq} was read in the log ({@code UNKNOWN} if not by a tail read). */
  ClusterStorage.LinePosition positionOf(long seq) {
    return positions.getOrDefault(seq, ClusterStorage.LinePosition.UNKNOWN);
  }

  private static List<String> lines(List<MasterAction> actions) {
    return actions.stream().map(MasterHistory::lineOf).toList();
  }

  /** The log line of {@code action}, as this codec writes it. */
  static String lineOf(MasterAction action) {
    return dev.sqlgit.internal.log.LogCodec.encode(new dev.sqlgit.internal.log.MasterLogEntry.Action(action));
  }

  /**
   * Forgets the actions up to {@code seq}, which {@code at} locates in the log, turning this into a
   * tail after it: a long-running master need not keep its whole unsquashed history in memory. What
   * reaches back further later completes it again through {@code complete}.
   */
  void forgetUpTo(long seq, ClusterStorage.LinePosition at, java.util.function.Supplier<MasterHistory> complete) {
    if (seq <= knownFrom || seq > head()) {
      return;
    }
    String line = lineOf(seq);
    log.removeIf(a -> a.seq() <= seq);
    writes.keySet().removeIf(s -> s <= seq);
    positions.keySet().removeIf(s -> s < seq);
    positions.put(seq, at);
    incorporated.clear();
    for (MasterAction a : log) {
      incorporated.computeIfAbsent(a.source().peer(), p -> new HashSet<>()).add(a.source().seq());
    }
    knownFrom = seq;
    knownFromLine = line;
    completer = complete;
  }

  /** Whether this is a {@link #tail} (whose actions start after {@link #knownFrom()}). */
  boolean isTail() {
    return completer != null;
  }

  /** Makes sure the actions after {@code seq} are known, reading the whole history if need be. */
  void ensureFrom(long seq) {
    if (isTail() && seq < knownFrom) {
      complete();
    }
  }

  /**
   * Turns a tail into the complete history, up to the same head. The complete read must agree with
   * the tail; a log squashed past the tail's start meanwhile is a transient file-sync state.
   */
  void complete() {
    if (!isTail()) {
      return;
    }
    MasterHistory all = completer.get();
    if (all.snapshotHead() > knownFrom || all.head() < head()) {
      throw new dev.sqlgit.FileSyncLagException(all.snapshotHead(), knownFrom);
    }
    List<MasterAction> upToHead = new ArrayList<>();
    for (MasterAction a : all.actions()) {
      if (a.seq() <= head()) {
        upToHead.add(a);
      }
    }
    // Compared as log lines: a number parsed back from JSON may be another node type than the one
    // an action was submitted with, though it is the same value.
    if (!lines(upToHead.subList(upToHead.size() - log.size(), upToHead.size())).equals(lines(log))) {
      throw new IntegrityException("the master log changed under a running sync: its entries after seq "
          + knownFrom + " read differently the second time");
    }
    snapshotLoader = all.snapshotLoader;
    snapshotImage = all.snapshotImage;
    snapshotHead = all.snapshotHead();
    knownFrom = snapshotHead;
    knownFromLine = null;
    completer = null;
    log.clear();
    incorporated.clear();
    upToHead.forEach(this::add);
    all.writes.forEach(writes::putIfAbsent);
  }

  long knownFrom() {
    return knownFrom;
  }

  /**
   * The log line of action {@code seq} (as this codec writes it), or "" when the snapshot holds
   * it: what anchors a state file, or a later read of the log, to this history.
   */
  String lineOf(long seq) {
    if (isTail() && seq == knownFrom) {
      return knownFromLine;
    }
    if (seq <= snapshotHead) {
      return "";
    }
    return lineOf(actionsAfter(seq - 1).get(0));
  }

  long snapshotHead() {
    return snapshotHead;
  }


  /** The newest master seq (the snapshot head when no action follows it). */
  long head() {
    return log.isEmpty() ? knownFrom : log.get(log.size() - 1).seq();
  }

  /** The actions above the snapshot, in seq order (a read-only view). */
  List<MasterAction> actions() {
    return java.util.Collections.unmodifiableList(log);
  }

  /** The actions with seq above {@code seq}, in order (a read-only view; seqs have no gaps). */
  List<MasterAction> actionsAfter(long seq) {
    ensureFrom(seq);
    int from = (int) Math.max(0, Math.min(log.size(), seq - knownFrom));
    return java.util.Collections.unmodifiableList(log.subList(from, log.size()));
  }

  /**
   * Whether the master log (above the snapshot; in a tail, after its start) holds an action
   * authored as {@code (peer, seq)}.
   */
  boolean isIncorporated(String peer, long seq) {
    return incorporated.getOrDefault(peer, Set.of()).contains(seq);
  }

  /** The own seqs of {@code peer} that the master incorporated (above the snapshot). */
  Set<Long> incorporatedFrom(String peer) {
    return Set.copyOf(incorporated.getOrDefault(peer, Set.of()));
  }

  /** Master actions after {@code seq} authored by anyone but {@code author}: the suffix. */
  List<MasterAction> suffixAfter(long seq, String author) {
    List<MasterAction> out = new ArrayList<>();
    for (MasterAction a : actionsAfter(seq)) {
      if (!a.source().peer().equals(author)) {
        out.add(a);
      }
    }
    return out;
  }

  /** Appends an action the master just applied, with the writes it made. */
  void append(MasterAction a, Set<RowKey> written) {
    if (a.seq() != head() + 1) {
      throw new IllegalStateException("master seq " + a.seq() + " after head " + head());
    }
    add(a);
    writes.put(a.seq(), Set.copyOf(written));
  }

  private void add(MasterAction a) {
    log.add(a);
    incorporated.computeIfAbsent(a.source().peer(), p -> new HashSet<>()).add(a.source().seq());
  }

  /** Records what action {@code seq} wrote, as seen when it was applied elsewhere (no replay then). */
  void knowWrites(long seq, Set<RowKey> written) {
    writes.putIfAbsent(seq, Set.copyOf(written));
  }

  /** Where to look up write sets recorded when the actions were applied, before replaying. */
  void recordedWritesIn(java.util.function.LongFunction<java.util.Optional<Set<RowKey>>> source) {
    this.recordedWrites = source;
  }

  /** Union of the rows written by {@code suffix}, computed by replay where not yet known. */
  Set<RowKey> writesOf(List<MasterAction> suffix) {
    Set<RowKey> out = new HashSet<>();
    for (MasterAction a : suffix) {
      if (!writes.containsKey(a.seq())) {
        recordedWrites.apply(a.seq()).ifPresent(w -> writes.put(a.seq(), Set.copyOf(w)));
      }
      if (!writes.containsKey(a.seq())) {
        replayAll();
      }
      out.addAll(writes.get(a.seq()));
    }
    return out;
  }

  private void replayAll() {
    try (StateDb s = stateAt(head(), null)) {
      // stateAt records every write set on the way.
    }
  }

  /**
   * A fresh state at master seq {@code seq}, plus (when {@code ownPeer} is not null) that peer's
   * own master actions after {@code seq}, in master order: the context that peer wrote against.
   * An own action that no longer applies without the interleaved suffix is left out of the context.
   */
  StateDb stateAt(long seq, String ownPeer) {
    complete();
    if (seq < snapshotHead) {
      throw new IllegalStateException("state at " + seq + " is inside the snapshot (head " + snapshotHead + ")");
    }
    if (snapshotLoader != null) {
      snapshotImage = snapshotLoader.get();
      snapshotLoader = null;
    }
    StateDb state = StateDb.fromImage(snapshotImage, actions, "master@" + seq);
    try {
      for (MasterAction a : log) {
        if (a.seq() <= seq) {
          Footprint f = replay(state, a);
          writes.putIfAbsent(a.seq(), f.writes());
        } else if (ownPeer != null && a.source().peer().equals(ownPeer)) {
          try {
            state.apply(a, false);
          } catch (ActionFailedException e) {
            // Its effect depended on actions this context leaves out; the context stays best-effort.
          }
        }
      }
      return state;
    } catch (RuntimeException e) {
      state.close();
      throw e;
    }
  }

  private static Footprint replay(StateDb state, MasterAction a) {
    try {
      return state.apply(a, false);
    } catch (ActionFailedException e) {
      throw new IntegrityException(
          "master action seq "
              + a.seq()
              + " ('"
              + a.name()
              + "') no longer applies when replayed; actions must be deterministic and the same on"
              + " every peer",
          e);
    }
  }

  /** Moves the snapshot to {@code head}, whose image the caller wrote; forgets what it covers. */
  void squashTo(long head, byte[] image) {
    snapshotImage = image;
    snapshotLoader = null;
    snapshotHead = head;
    knownFrom = head;
    log.removeIf(a -> a.seq() <= head);
    writes.keySet().removeIf(s -> s <= head);
    incorporated.clear();
    for (MasterAction a : log) {
      incorporated.computeIfAbsent(a.source().peer(), p -> new HashSet<>()).add(a.source().seq());
    }
  }
}
