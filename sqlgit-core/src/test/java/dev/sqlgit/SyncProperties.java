package dev.sqlgit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.internal.log.MasterLog;
import dev.sqlgit.testing.Counters;
import dev.sqlgit.testing.FileSyncer;
import dev.sqlgit.testing.TempDirs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

/**
 * Random clusters converge, and nothing acknowledged is lost silently.
 *
 * <p>Each sample is 2–4 replicas (one master) running a random sequence of submits, whole and
 * half-written file deliveries in random order, syncs with a randomly minded resolver (drop,
 * force, retry after a top-up) and restarts. Then a quiescent phase delivers everything and syncs
 * everyone until nothing is pending. Checked: every replica's state equals the master's, and
 * every action acknowledged to its author (a submit that returned, a mitigation of a sync that
 * returned) was incorporated by the master, dropped by a resolver, or reported convergent.
 *
 * <p>Bigger runs: {@code mvn -B verify -pl sqlgit-core -Djqwik.tries.default=1000}. jqwik prints
 * the seed of a failing sample; failures are replayed first on the next run.
 */
class SyncProperties {
  private static final String MASTER = "m";
  private static final String[] KEYS = {"a", "b"};

  sealed interface Op permits Submit, Deliver, DeliverAll, Sync, Restart {}

  record Submit(int replica, int kind, int key, int amount) implements Op {}

  /** Delivers {@code owner}'s log (or, for the master, maybe the snapshot) to {@code target}. */
  record Deliver(int owner, int target, boolean snapshot, int cut) implements Op {}

  record DeliverAll() implements Op {}

  record Sync(int replica, int mood) implements Op {}

  record Restart(int replica) implements Op {}

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Integer> replica = Arbitraries.integers().between(0, 3);
    Arbitrary<Op> submit =
        Combinators.combine(replica, Arbitraries.of(0, 1, 1, 1, 2, 3), Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(1, 5))
            .as(Submit::new);
    Arbitrary<Op> deliver =
        Combinators.combine(replica, replica, Arbitraries.of(false, false, true), Arbitraries.of(0, 0, 0, 3, 17))
            .as(Deliver::new);
    Arbitrary<Op> sync = Combinators.combine(replica, Arbitraries.integers().between(0, 2)).as(Sync::new);
    Arbitrary<Op> restart = replica.map(Restart::new);
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, submit),
            net.jqwik.api.Tuple.of(4, deliver),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(new DeliverAll())),
            net.jqwik.api.Tuple.of(4, sync),
            net.jqwik.api.Tuple.of(1, restart))
        .list()
        .ofMinSize(6)
        .ofMaxSize(45);
  }

  @Property
  void replicasConvergeAndNothingAcknowledgedIsLost(
      @ForAll @IntRange(min = 2, max = 4) int size, @ForAll("operations") List<Op> ops) {
    Path dir = TempDirs.create("sqlgit-prop");
    try (Cluster cluster = new Cluster(dir, size)) {
      for (Op op : ops) {
        cluster.run(op);
      }
      cluster.quiesce();
      cluster.assertConverged();
      cluster.assertNothingLost();
      cluster.collectStatistics();
    } finally {
      TempDirs.delete(dir);
    }
  }

  /** The replicas, the syncer between them, and the ledger of what was acknowledged. */
  static final class Cluster implements AutoCloseable {
    private final ActionRegistry actions = Counters.actions();
    private final List<String> ids = new ArrayList<>();
    private final FileSyncer net;
    private final Map<String, Peer> peers = new LinkedHashMap<>();
    private final Set<Source> acknowledged = new HashSet<>();
    private final Set<Source> incorporated = new HashSet<>();
    private final Set<Source> dropped = new HashSet<>();
    private int convergent;
    private int forced;
    private int retried;
    private int squashed;
    private int skipped;
    private int notes;
    private final boolean referenceEngine;
    private final Path stateRoot;
    /** Opens that reused a state file instead of rebuilding (persistent clusters only). */
    int reopenedFromStateFile;
    /** Every sync's outcome in order, for comparing two engines run on the same operations. */
    final List<String> trace = new ArrayList<>();

    Cluster(Path dir, int size) {
      this(dir, size, false);
    }

    Cluster(Path dir, int size, boolean referenceEngine) {
      this(dir, size, referenceEngine, false);
    }

    /** With {@code persistent}, every replica keeps its state in files under {@code dir} (stateDir). */
    Cluster(Path dir, int size, boolean referenceEngine, boolean persistent) {
      this.referenceEngine = referenceEngine;
      this.stateRoot = persistent ? dir.resolve("states") : null;
      ids.add(MASTER);
      for (int i = 1; i < size; i++) {
        ids.add("p" + i);
      }
      net = new FileSyncer(dir, MASTER, ids);
      Peer master = open(MASTER);
      master.submit("init", null);
      record(master);
      net.deliverAll();
      for (String id : ids.subList(1, ids.size())) {
        open(id);
      }
    }

    private Peer open(String id) {
      PeerOptions.Builder options = PeerOptions.builder().root(net.rootOf(id)).peerId(id).masterId(MASTER).actions(actions);
      if (stateRoot != null) {
        options.stateDir(stateRoot.resolve(id));
      }
      Peer p = Peer.open(options.build(), referenceEngine);
      if (!p.rebuiltOnOpen()) {
        reopenedFromStateFile++;
      }
      peers.put(id, p);
      return p;
    }

    List<String> ids() {
      return ids;
    }

    Peer peer(String id) {
      return peers.get(id);
    }

    FileSyncer net() {
      return net;
    }

    private String id(int replica) {
      return ids.get(replica % ids.size());
    }

    void run(Op op) {
      if (op instanceof Submit) {
        submit((Submit) op);
      } else if (op instanceof Deliver) {
        Deliver d = (Deliver) op;
        String owner = id(d.owner());
        String file = d.snapshot() && owner.equals(MASTER) ? FileSyncer.SNAPSHOT : FileSyncer.logOf(owner);
        if (d.cut() > 0 && file.endsWith(".jsonl") && net.ownedFiles(owner).contains(file)) {
          net.deliverPartial(file, id(d.target()), d.cut());
        } else {
          net.deliver(file, id(d.target()));
        }
      } else if (op instanceof DeliverAll) {
        net.deliverAll();
      } else if (op instanceof Sync) {
        Sync s = (Sync) op;
        sync(id(s.replica()), s.mood());
      } else if (op instanceof Restart) {
        String id = id(((Restart) op).replica());
        peers.remove(id).close();
        try {
          open(id);
        } catch (FileSyncLagException e) {
          // Transient: the syncer is mid-delivery. Let it finish, then open again.
          net.deliverAllTo(id);
          open(id);
        }
      } else {
        throw new AssertionError(op);
      }
    }

    private void submit(Submit s) {
      Peer peer = peers.get(id(s.replica()));
      String key = KEYS[s.key()];
      Object params;
      String name;
      switch (s.kind()) {
        case 0: name = "inc"; params = new Counters.Step(key, s.amount()); break;
        case 1: name = "dec"; params = new Counters.Step(key, s.amount()); break;
        case 2: name = "put"; params = new Counters.Note(key, peer.peerId() + "-" + (notes++)); break;
        default: name = "del"; params = new Counters.Key(key); break;
      }
      try {
        peer.submit(name, params);
      } catch (ActionFailedException e) {
        return; // not acknowledged: nothing was logged
      }
      record(peer);
    }

    /** Adds what {@code peer} has acknowledged so far (its pending actions, or the master log). */
    private void record(Peer peer) {
      if (peer.isMaster()) {
        for (MasterAction a : MasterLog.read(net.logAt(MASTER, MASTER)).actions()) {
          incorporated.add(a.source());
          if (a.source().peer().equals(MASTER)) {
            acknowledged.add(a.source());
          }
        }
      } else {
        for (PeerAction a : peer.pending()) {
          acknowledged.add(new Source(peer.peerId(), a.seq()));
        }
      }
    }

    void sync(String id, int mood) {
      Peer peer = peers.get(id);
      Set<Source> droppedNow = new HashSet<>();
      Map<Long, Integer> retries = new java.util.HashMap<>();
      Resolver resolver = ctx -> {
        PeerAction a = ctx.action();
        if (mood == 1 && ctx.kind() == ConflictKind.NON_COMMUTATIVE) {
          return Resolution.FORCE;
        }
        if (mood == 2 && ctx.kind() == ConflictKind.ERROR && a.name().equals("dec")
            && retries.merge(a.seq(), 1, Integer::sum) == 1) {
          ctx.submit("inc", new Counters.Step(a.params().get("id").asText(), a.params().get("by").asLong()));
          retried++;
          return Resolution.RETRY;
        }
        droppedNow.add(new Source(id, a.seq()));
        return Resolution.DROP;
      };
      SyncReport report;
      try {
        report = peer.sync(resolver);
      } catch (FileSyncLagException e) {
        assertThat(e.declaredHead()).isGreaterThan(e.snapshotHead());
        trace.add(id + " lag");
        return; // transient: a later delivery completes the files
      }
      trace.add(id + " " + report + " dropped " + droppedNow);
      forced += report.forced();
      skipped += report.skipped();
      squashed += report.squashedTo().isPresent() ? 1 : 0;
      if (peer.isMaster()) {
        record(peer);
        return;
      }
      dropped.addAll(droppedNow);
      convergent += report.convergent();
      record(peer);
    }

    /** Delivers everything and syncs everyone until no replica has pending work. */
    void quiesce() {
      for (int round = 0; round < 12; round++) {
        net.deliverAll();
        sync(MASTER, 0);
        net.deliverAll();
        boolean settled = true;
        for (String id : ids.subList(1, ids.size())) {
          sync(id, round < 2 ? 2 - round : 0); // retry, then force, then drop what still conflicts
          settled &= peers.get(id).pending().isEmpty();
        }
        if (settled) {
          net.deliverAll();
          sync(MASTER, 0); // records final acks, maybe squashes
          net.deliverAll();
          for (String id : ids.subList(1, ids.size())) {
            sync(id, 0);
          }
          return;
        }
      }
      throw new AssertionError("no quiescence after 12 rounds; pending: " + pendingByPeer());
    }

    private Map<String, List<PeerAction>> pendingByPeer() {
      Map<String, List<PeerAction>> out = new LinkedHashMap<>();
      peers.forEach((id, p) -> out.put(id, p.pending()));
      return out;
    }

    void assertConverged() {
      Peer master = peers.get(MASTER);
      var expected = Counters.dump(master.db());
      for (Peer p : peers.values()) {
        assertThat(p.pending()).as("pending of %s", p.peerId()).isEmpty();
        assertThat(p.masterHead()).as("head of %s", p.peerId()).isEqualTo(master.masterHead());
        assertThat(Counters.dump(p.db())).as("state of %s", p.peerId()).isEqualTo(expected);
      }
    }

    void assertNothingLost() {
      Set<Source> missing = new HashSet<>(acknowledged);
      missing.removeAll(incorporated);
      missing.removeAll(dropped);
      assertThat(missing.size())
          .as("acknowledged actions neither incorporated nor dropped: %s (convergent reported: %d)", missing, convergent)
          .isLessThanOrEqualTo(convergent);
    }

    /** Shows in the test report how often samples reach each interesting path. */
    void collectStatistics() {
      Statistics.label("dropped by a resolver").collect(!dropped.isEmpty());
      Statistics.label("forced").collect(forced > 0);
      Statistics.label("retried with a mitigation").collect(retried > 0);
      Statistics.label("convergent").collect(convergent > 0);
      Statistics.label("squashed").collect(squashed > 0);
      Statistics.label("skipped by the master").collect(skipped > 0);
    }

    @Override
    public void close() {
      for (Peer p : peers.values()) {
        p.close();
      }
    }
  }
}
