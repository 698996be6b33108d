package dev.sqlgit;

import static dev.sqlgit.testing.KeyValue.counter;
import static dev.sqlgit.testing.LogEntries.sourceOf;
import static dev.sqlgit.testing.UserTables.dump;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlgit.testing.Bank;
import dev.sqlgit.testing.FileBytes;
import dev.sqlgit.testing.FileSyncer;
import dev.sqlgit.testing.KeyValue;
import dev.sqlgit.testing.KeyValue.Key;
import dev.sqlgit.testing.KeyValue.Kv;
import dev.sqlgit.testing.LogEntries;
import dev.sqlgit.testing.Replicas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the master fixes the canonical order (SPEC §2, master sync): peers in sorted id order, a
 * peer's actions in its log order, everything after a peer's first conflict skipped, acks recorded
 * only when they advance, and never a resolver.
 */
class MasterOrderingTest {
  private static final String M = "m";

  @TempDir Path dir;
  private FileSyncer net;
  private static final ActionRegistry KV = KeyValue.actions();

  @Test
  void masterIncorporatesOtherPeersInSortedIdOrderWhateverOrderTheySubmittedIn() {
    net = new FileSyncer(dir, M, List.of(M, "amy", "kim", "zed"));
    try (Peer m = open(M, KV)) {
      m.submit("init_kv", null);
      net.deliverAll();
      try (Peer amy = open("amy", KV); Peer kim = open("kim", KV); Peer zed = open("zed", KV)) {
        zed.submit("set", new Kv("z1", "zed"));
        zed.submit("set", new Kv("z2", "zed"));
        kim.submit("set", new Kv("k1", "kim"));
        amy.submit("set", new Kv("a1", "amy"));
        amy.submit("set", new Kv("a2", "amy"));
        net.deliverAll();

        SyncReport report = m.sync();

        assertThat(report.applied()).isEqualTo(5);
        assertThat(report.skipped()).isZero();
        assertThat(actionLines())
            .extracting(a -> a.get("seq").asLong(), LogEntries::sourceOf)
            .containsExactly(
                tuple(1L, new Source(M, 1)),
                tuple(2L, new Source("amy", 1)),
                tuple(3L, new Source("amy", 2)),
                tuple(4L, new Source("kim", 1)),
                tuple(5L, new Source("zed", 1)),
                tuple(6L, new Source("zed", 2)));
        assertThat(m.db().query("SELECT k FROM kv ORDER BY k", String.class))
            .containsExactly("a1", "a2", "k1", "z1", "z2");

        net.deliverAll();
        for (Peer p : List.of(amy, kim, zed)) {
          p.sync();
          assertThat(p.pending()).isEmpty();
          assertThat(p.masterHead()).isEqualTo(6);
          assertThat(dump(p.db())).isEqualTo(dump(m.db()));
        }
      }
    }
  }

  @Test
  void afterAPeersFirstConflictTheMasterSkipsAllItsLaterActionsAndNeverReorders() {
    net = new FileSyncer(dir, M, List.of(M, "p", "idle"));
    ActionRegistry bank = Bank.actions();
    // "idle" never syncs: its ack-less log holds the squash, so the master log keeps every action.
    try (Peer m = seededBank(bank); Peer p = open("p", bank); Peer idle = open("idle", bank)) {
      p.submit("deposit", new Bank.Move("t5", "acc", 5)); // p/1: ok
      p.submit("withdraw", new Bank.Move("t3", "acc", 50)); // p/2: overdraft after master's withdraw
      p.submit("deposit", new Bank.Move("t6", "acc", 1)); // p/3: would apply
      p.submit("open_account", new Bank.Open("acc2", "Other")); // p/4: would apply
      m.submit("withdraw", new Bank.Move("t2", "acc", 80)); // seq 4
      net.deliverAll();

      SyncReport first = m.sync();

      assertThat(first.applied()).isEqualTo(1);
      assertThat(first.skipped()).isEqualTo(3);
      assertThat(sourcesFrom("p")).containsExactly(1L);
      assertThat(Bank.balance(m.db(), "acc")).isEqualTo(25);
      assertThat(m.db().query("SELECT id FROM accounts ORDER BY id", String.class)).containsExactly("acc");

      // The peer resolves its conflict; the rest then arrive, in p's order.
      net.deliverAll();
      List<Long> conflicts = new ArrayList<>();
      SyncReport peer =
          p.sync(ctx -> {
            conflicts.add(ctx.action().seq());
            return Resolution.DROP;
          });
      assertThat(conflicts).containsExactly(2L);
      assertThat(peer.applied()).isEqualTo(2);
      assertThat(peer.dropped()).isEqualTo(1);

      net.deliverAll();
      SyncReport second = m.sync();
      assertThat(second.applied()).isEqualTo(2);
      assertThat(second.skipped()).isZero();
      assertThat(sourcesFrom("p")).containsExactly(1L, 3L, 4L);
      assertThat(Bank.balance(m.db(), "acc")).isEqualTo(26);
      assertThat(m.db().query("SELECT id FROM accounts ORDER BY id", String.class)).containsExactly("acc", "acc2");

      net.deliverAll();
      p.sync();
      assertThat(p.pending()).isEmpty();
      assertThat(dump(p.db())).isEqualTo(dump(m.db()));
    }
  }

  @Test
  void masterNeverCallsTheResolver() {
    net = new FileSyncer(dir, M, List.of(M, "p"));
    ActionRegistry bank = Bank.actions();
    try (Peer m = seededBank(bank); Peer p = open("p", bank)) {
      p.submit("withdraw", new Bank.Move("t3", "acc", 50));
      m.submit("withdraw", new Bank.Move("t2", "acc", 80));
      net.deliverAll();
      AtomicInteger calls = new AtomicInteger();

      SyncReport report =
          m.sync(ctx -> {
            calls.incrementAndGet();
            return Resolution.FORCE;
          });

      assertThat(calls).hasValue(0);
      assertThat(report.skipped()).isEqualTo(1);
      assertThat(report.applied()).isZero();
      assertThat(report.forced()).isZero();
      assertThat(report.dropped()).isZero();
      assertThat(Bank.balance(m.db(), "acc")).isEqualTo(20);
      assertThat(m.masterHead()).isEqualTo(4);
    }
  }

  @Test
  void peerAckIsAppendedToTheMasterLogOnlyWhenItAdvances() throws IOException {
    net = new FileSyncer(dir, M, List.of(M, "p", "q"));
    try (Peer m = open(M, KV)) {
      m.submit("init_kv", null); // seq 1
      m.submit("set", new Kv("a", "1")); // seq 2
      net.deliverAll();
      // q opens and never syncs: its ack-less log holds the squash, so the master log keeps its acks.
      try (Peer p = open("p", KV); Peer q = open("q", KV)) {
        net.deliverAll();
        assertThat(m.sync()).isEqualTo(SyncReport.NOTHING);
        assertThat(peerAcks()).isEmpty(); // p's log holds no ack yet

        p.sync();
        net.deliverAll();
        m.sync();
        assertThat(peerAcks()).containsExactly(tuple("p", 2L));
        Path ackedAt2 = dir.resolve("p-log-acked-at-2.jsonl");
        Files.copy(net.logAt(M, "p"), ackedAt2);

        // Same ack seen again: nothing appended.
        String before = masterLogText();
        assertThat(m.sync()).isEqualTo(SyncReport.NOTHING);
        assertThat(p.sync()).isEqualTo(SyncReport.NOTHING);
        net.deliverAll();
        assertThat(m.sync()).isEqualTo(SyncReport.NOTHING);
        assertThat(masterLogText()).isEqualTo(before);

        // A newer ack is appended.
        m.submit("set", new Kv("b", "2")); // seq 3
        net.deliverAll();
        p.sync();
        net.deliverAll();
        m.sync();
        assertThat(peerAcks()).containsExactly(tuple("p", 2L), tuple("p", 3L));

        // An older copy of p's log (a syncer delivering a stale version) does not append a lower ack.
        Files.copy(ackedAt2, net.logAt(M, "p"), StandardCopyOption.REPLACE_EXISTING);
        String beforeStale = masterLogText();
        m.sync();
        assertThat(masterLogText()).isEqualTo(beforeStale);
        assertThat(peerAcks()).containsExactly(tuple("p", 2L), tuple("p", 3L));
      }
    }
  }

  @Test
  void peerAckNotAboveTheSnapshotHeadIsNotAppendedAgainAfterASquash() {
    net = new FileSyncer(dir, M, List.of(M, "p"));
    try (Peer m = open(M, KV)) {
      m.submit("init_kv", null); // seq 1
      m.submit("set", new Kv("a", "1")); // seq 2
      net.deliverAll();
      try (Peer p = open("p", KV)) {
        p.sync();
        net.deliverAll();

        SyncReport squash = m.sync(); // p, the only peer, acked 2: squash to 2, its ack dropped

        assertThat(squash.squashedTo()).hasValue(2);
        assertThat(masterLines()).extracting(n -> n.get("kind").asText(), n -> n.get("masterSeq").asLong())
            .containsExactly(tuple("snapshot", 2L));
        String before = masterLogText();
        assertThat(m.sync()).isEqualTo(SyncReport.NOTHING); // p's log still acks 2 = snapshot head
        assertThat(masterLogText()).isEqualTo(before);
        assertThat(peerAcks()).isEmpty();
      }
    }
  }

  @Test
  void offlinePeerCatchesUpAndEveryReplicaConverges() {
    net = new FileSyncer(dir, M, List.of(M, "p", "q"));
    try (Peer m = open(M, KV)) {
      m.submit("init_kv", null);
      m.submit("counter", new Key("c"));
      net.deliverAll();
      try (Peer p = open("p", KV); Peer q = open("q", KV)) {
        net.deliverAll(); // everyone knows everyone; then p goes offline

        p.submit("set", new Kv("p1", "from p"));
        p.submit("inc", new Key("c"));
        p.submit("set", new Kv("p2", "from p"));
        p.submit("set", new Kv("shared", "p"));
        p.submit("del", new Key("shared"));

        // Meanwhile m and q keep working and syncing with each other, several rounds.
        q.submit("set", new Kv("q1", "from q"));
        q.submit("inc", new Key("c"));
        m.submit("set", new Kv("m1", "from m"));
        m.submit("inc", new Key("c"));
        net.deliver(FileSyncer.logOf("q"), M);
        m.sync();
        net.deliverMasterTo("q");
        q.sync();
        q.submit("set", new Kv("q2", "from q"));
        q.submit("inc", new Key("c"));
        net.deliver(FileSyncer.logOf("q"), M);
        m.sync();
        net.deliverMasterTo("q");
        q.sync();
        assertThat(counter(q.db(), "c")).isEqualTo(3);
        assertThat(counter(p.db(), "c")).isEqualTo(1); // p only sees its own increment

        // p comes back online; everyone syncs until quiet.
        AtomicInteger resolverCalls = new AtomicInteger();
        Resolver counting = ctx -> {
          resolverCalls.incrementAndGet();
          return Resolution.DROP;
        };
        for (int round = 0; round < 3; round++) {
          net.deliverAll();
          p.sync(counting);
          q.sync(counting);
          net.deliverAll();
          m.sync();
        }
        net.deliverAll();
        p.sync(counting);
        q.sync(counting);

        assertThat(resolverCalls).hasValue(0);
        assertThat(p.pending()).isEmpty();
        assertThat(q.pending()).isEmpty();
        assertThat(p.masterHead()).isEqualTo(m.masterHead());
        assertThat(q.masterHead()).isEqualTo(m.masterHead());
        String all = "SELECT k, v FROM kv ORDER BY k";
        assertThat(p.db().query(all)).isEqualTo(m.db().query(all)).isEqualTo(q.db().query(all));
        assertThat(m.db().query("SELECT k FROM kv ORDER BY k", String.class))
            .containsExactly("m1", "p1", "p2", "q1", "q2");
        for (Peer r : List.of(m, p, q)) {
          assertThat(counter(r.db(), "c")).as("counter on %s", r.peerId()).isEqualTo(4);
          assertThat(dump(r.db())).isEqualTo(dump(m.db()));
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Fixtures

  private Peer seededBank(ActionRegistry bank) {
    Peer m = open(M, bank);
    Bank.seed(m); // seq 3, balance 100
    net.deliverAll();
    return m;
  }

  private Peer open(String id, ActionRegistry actions) {
    return Replicas.open(net, id, actions);
  }

  private List<JsonNode> masterLines() {
    return LogEntries.read(net.logAt(M, M));
  }

  private String masterLogText() {
    return FileBytes.text(net.logAt(M, M));
  }

  private List<JsonNode> actionLines() {
    return LogEntries.actions(net.logAt(M, M));
  }

  /** The peer_ack lines of the master log, as (peer, masterSeq). */
  private List<org.assertj.core.groups.Tuple> peerAcks() {
    return masterLines().stream()
        .filter(n -> n.get("kind").asText().equals("peer_ack"))
        .map(n -> tuple(n.get("peer").asText(), n.get("masterSeq").asLong()))
        .toList();
  }

  /** The own seqs of {@code peer} in the master log, in master order. */
  private List<Long> sourcesFrom(String peer) {
    return actionLines().stream()
        .filter(a -> sourceOf(a).peer().equals(peer))
        .map(a -> sourceOf(a).seq())
        .toList();
  }
}
