package dev.sqlgit;

import static dev.sqlgit.testing.KeyValue.counter;
import static dev.sqlgit.testing.KeyValue.requireOne;
import static dev.sqlgit.testing.KeyValue.value;
import static dev.sqlgit.testing.UserTables.dump;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sqlgit.testing.Bank;
import dev.sqlgit.testing.FileSyncer;
import dev.sqlgit.testing.KeyValue;
import dev.sqlgit.testing.KeyValue.Key;
import dev.sqlgit.testing.KeyValue.Kv;
import dev.sqlgit.testing.Replicas;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the peer absorbs or applies without asking anyone (SPEC §2, peer sync): Gate 0, chain
 * convergence, Gate 1 (disjoint), Gate 2 (permutation), and the context of own actions. Every sync
 * here runs with a resolver that counts its calls, so "no resolver" is asserted, not assumed.
 */
class ConvergenceTest {
  private static final String M = "m";

  @TempDir Path dir;
  private FileSyncer net;
  private final List<ConflictContext> conflicts = new ArrayList<>();
  private final List<String> conflictLog = new ArrayList<>();
  /** Drops every conflict, recording it; tests that expect none assert the list is empty. */
  private final Resolver recordingDrop =
      ctx -> {
        conflicts.add(ctx);
        conflictLog.add(ctx.action().params().path("k").asText() + ":" + ctx.kind());
        return Resolution.DROP;
      };

  record Note(String id, String body) {}

  /** The key/value actions, plus append (to a value that must exist) and notes. */
  private static final ActionRegistry KV =
      KeyValue.builder("CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT NOT NULL);")
          .action("append", Kv.class, (db, kv) ->
              requireOne(db.exec("UPDATE kv SET v = v || ? WHERE k = ?", kv.v(), kv.k())))
          .action("note", Note.class, (db, n) -> db.exec("INSERT INTO notes(id, body) VALUES (?, ?)", n.id(), n.body()))
          .build();

  @BeforeEach
  void cluster() {
    net = new FileSyncer(dir, M, List.of(M, "p", "q"));
  }

  // ---------------------------------------------------------------------------------------------
  // Gate 0 and chains

  @Test
  void gate0AbsorbsEditThenDeleteOfATransactionAnotherPeerAlreadyEditedAndDeleted() {
    ActionRegistry bank = Bank.actions();
    try (Peer m = seededBank(bank); Peer p = open("p", bank); Peer q = open("q", bank)) {
      p.submit("edit_amount", new Bank.Edit("t1", 70));
      p.submit("delete_tx", new Bank.TxId("t1"));
      q.submit("edit_amount", new Bank.Edit("t1", 40)); // a different amount: only the end state counts
      q.submit("delete_tx", new Bank.TxId("t1"));

      assertQAbsorbsThePairTheMasterTookFromP(m, q);

      assertThat(Bank.balance(q.db(), "acc")).isZero();

      net.deliver(FileSyncer.logOf("q"), M);
      assertThat(m.sync().applied()).isZero();
      assertThat(m.masterHead()).isEqualTo(6);
    }
  }

  @Test
  void gate0AbsorbsSetThenDeleteOfTheSameKeyByTwoPeers() {
    try (Peer m = seededKv(); Peer p = open("p", KV); Peer q = open("q", KV)) {
      p.submit("set", new Kv("x", "from p"));
      p.submit("del", new Key("x"));
      q.submit("set", new Kv("x", "from q"));
      q.submit("del", new Key("x"));

      assertQAbsorbsThePairTheMasterTookFromP(m, q);

      assertThat(q.db().one("SELECT v FROM kv WHERE k = 'x'")).isEmpty();
    }
  }

  @Test
  void chainEditingThenDeletingARowTheMasterDeletedIsConvergentWhileTheRestIsApplied() {
    ActionRegistry bank = Bank.actions();
    try (Peer m = seededBank(bank); Peer p = open("p", bank)) {
      m.submit("delete_tx", new Bank.TxId("t1")); // seq 5
      p.submit("edit_amount", new Bank.Edit("t1", 70));
      p.submit("delete_tx", new Bank.TxId("t1"));
      p.submit("deposit", new Bank.Move("t9", "acc2", 9)); // unrelated: keeps Gate 0 from absorbing all
      net.deliverMasterTo("p");

      SyncReport report = p.sync(recordingDrop);

      assertThat(conflicts).isEmpty();
      assertThat(report).isEqualTo(report(1, 0, 0, 0, 2));
      assertThat(p.pending()).extracting(PeerAction::seq, PeerAction::name).containsExactly(tuple(3L, "deposit"));
      assertThat(Bank.balance(p.db(), "acc")).isZero();
      assertThat(Bank.balance(p.db(), "acc2")).isEqualTo(9);

      net.deliverAll();
      assertThat(m.sync().applied()).isEqualTo(1);
      net.deliverAll();
      p.sync();
      assertThat(dump(p.db())).isEqualTo(dump(m.db()));
    }
  }

  @Test
  void conflictsAroundAConvergentPairReachTheResolverAndThePairIsAbsorbed() {
    try (Peer m = seededKv(); Peer p = open("p", KV)) {
      for (String k : List.of("a", "b", "c", "d", "vx")) {
        m.submit("set", new Kv(k, "0"));
      }
      net.deliverAll();
      p.sync();
      for (String k : List.of("a", "b", "c", "d")) {
        m.submit("set", new Kv(k, "M"));
      }
      m.submit("del", new Key("vx"));

      p.submit("set", new Kv("a", "p")); // c1
      p.submit("set", new Kv("b", "p")); // c2
      p.submit("set", new Kv("vx", "p")); // convergent pair: the master deleted vx too
      p.submit("del", new Key("vx"));
      p.submit("set", new Kv("c", "p")); // c3
      p.submit("set", new Kv("d", "p")); // c4
      net.deliverMasterTo("p");

      SyncReport report = p.sync(recordingDrop);

      assertThat(conflictLog)
          .containsExactly("a:NON_COMMUTATIVE", "b:NON_COMMUTATIVE", "c:NON_COMMUTATIVE", "d:NON_COMMUTATIVE");
      assertThat(conflicts).extracting(c -> c.action().seq()).containsExactly(1L, 2L, 5L, 6L);
      assertThat(report).isEqualTo(report(0, 0, 4, 0, 2));
      assertThat(p.pending()).isEmpty();
      assertThat(dump(p.db())).isEqualTo(dump(m.db()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Gate 1: disjoint

  @Test
  void actionsOnDifferentTablesCommute() {
    try (Peer m = seededKv(); Peer p = open("p", KV)) {
      m.submit("note", new Note("n1", "by m"));
      p.submit("set", new Kv("k1", "by p"));
      net.deliverMasterTo("p");

      SyncReport peer = p.sync(recordingDrop);

      assertThat(conflicts).isEmpty();
      assertThat(peer).isEqualTo(report(1, 0, 0, 0, 0));
      net.deliverAll();
      assertThat(m.sync().applied()).isEqualTo(1);
      for (Peer r : List.of(m, p)) {
        assertThat(r.db().query("SELECT id FROM notes", String.class)).containsExactly("n1");
        assertThat(r.db().query("SELECT v FROM kv WHERE k = 'k1'", String.class)).containsExactly("by p");
      }
    }
  }

  @Test
  void insertsOfDifferentKeysCommuteEvenWhenSqliteGaveThemTheSameRowid() {
    try (Peer m = seededKv(); Peer p = open("p", KV); Peer q = open("q", KV)) {
      m.submit("note", new Note("m1", "by m"));
      p.submit("note", new Note("p1", "by p"));
      q.submit("note", new Note("q1", "by q"));
      // Each replica's copy handed its insert rowid 1.
      assertThat(rowid(m.db(), "m1")).isEqualTo(1);
      assertThat(rowid(p.db(), "p1")).isEqualTo(1);
      assertThat(rowid(q.db(), "q1")).isEqualTo(1);

      // p rebases its insert over the master's (peer-side check) ...
      net.deliverMasterTo("p");
      assertThat(p.sync(recordingDrop)).isEqualTo(report(1, 0, 0, 0, 0));
      // ... and the master checks q's, still based before both m1 and p1 (master-side check).
      net.deliverAll();
      SyncReport master = m.sync();
      assertThat(master.applied()).isEqualTo(2);
      assertThat(master.skipped()).isZero();
      net.deliverAll();
      p.sync(recordingDrop);
      q.sync(recordingDrop);

      assertThat(conflicts).isEmpty();
      for (Peer r : List.of(m, p, q)) {
        assertThat(r.db().query("SELECT id FROM notes ORDER BY id", String.class))
            .as("notes on %s", r.peerId())
            .containsExactly("m1", "p1", "q1");
        assertThat(r.pending()).isEmpty();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Gate 2: permutation

  @Test
  void twoIncrementsCheckedByTheMasterBothCount() {
    try (Peer m = seededKv(); Peer p = open("p", KV); Peer q = open("q", KV)) {
      p.submit("inc", new Key("c"));
      q.submit("inc", new Key("c"));
      net.deliverAll(); // both reach the master before either peer syncs

      SyncReport master = m.sync();

      assertThat(master.applied()).isEqualTo(2);
      assertThat(master.skipped()).isZero();
      assertThat(counter(m.db(), "c")).isEqualTo(2);
      net.deliverAll();
      assertThat(p.sync(recordingDrop).convergent()).isZero();
      assertThat(q.sync(recordingDrop).convergent()).isZero();
      assertThat(conflicts).isEmpty();
      for (Peer r : List.of(m, p, q)) {
        assertThat(counter(r.db(), "c")).as("counter on %s", r.peerId()).isEqualTo(2);
      }
    }
  }

  @Test
  void incrementRebasedByAPeerOverAnotherIncrementBothCount() {
    try (Peer m = seededKv(); Peer p = open("p", KV); Peer q = open("q", KV)) {
      q.submit("inc", new Key("c"));
      p.submit("inc", new Key("c"));
      net.deliver(FileSyncer.logOf("q"), M);
      assertThat(m.sync().applied()).isEqualTo(1); // the master already has q's increment: c = 1
      net.deliverMasterTo("p");

      // Replayed on its base, p's increment gives c = 1, exactly the master state; but applying it
      // again moves c to 2, so it is not "realised": it must be kept, not absorbed.
      SyncReport peer = p.sync(recordingDrop);

      assertThat(conflicts).isEmpty();
      assertThat(peer).isEqualTo(report(1, 0, 0, 0, 0));
      assertThat(counter(p.db(), "c")).isEqualTo(2);
      net.deliverAll();
      assertThat(m.sync().applied()).isEqualTo(1);
      net.deliverAll();
      q.sync(recordingDrop);
      p.sync(recordingDrop);
      for (Peer r : List.of(m, p, q)) {
        assertThat(counter(r.db(), "c")).as("counter on %s", r.peerId()).isEqualTo(2);
      }
    }
  }

  @Test
  void incrementRebasedByAPeerOverTheMastersOwnIncrementBothCount() {
    try (Peer m = seededKv(); Peer p = open("p", KV)) {
      m.submit("inc", new Key("c"));
      p.submit("inc", new Key("c"));
      net.deliverMasterTo("p");

      SyncReport peer = p.sync(recordingDrop);

      assertThat(conflicts).isEmpty();
      assertThat(peer).isEqualTo(report(1, 0, 0, 0, 0));
      net.deliverAll();
      assertThat(m.sync().applied()).isEqualTo(1);
      assertThat(counter(m.db(), "c")).isEqualTo(2);
      assertThat(counter(p.db(), "c")).isEqualTo(2);
    }
  }

  /**
   * Gate 0's "applying them once more throws or changes nothing" must not let a throwing action
   * hide a non-idempotent one: each peer increments c and deletes x; the master took q's pair.
   * Re-applying p's pair on the master state throws (x is gone), yet its increment is not realised.
   */
  @Test
  void incrementBatchedWithAnAlreadyRealisedDeleteStillCountsWhenAPeerRebases() {
    try (Peer m = seededKv(); Peer p = open("p", KV); Peer q = open("q", KV)) {
      bothPeersIncrementCAndDeleteTheMastersX(m, p, q);
      net.deliver(FileSyncer.logOf("q"), M);
      assertThat(m.sync().applied()).isEqualTo(2);
      net.deliverMasterTo("p");

      SyncReport peer = p.sync(recordingDrop);

      assertThat(conflicts).isEmpty();
      assertThat(counter(p.db(), "c")).isEqualTo(2);
      assertThat(peer).isEqualTo(report(1, 0, 0, 0, 1)); // inc kept, del convergent
      net.deliverAll();
      m.sync();
      assertThat(counter(m.db(), "c")).isEqualTo(2);
    }
  }

  @Test
  void incrementBatchedWithAnAlreadyRealisedDeleteStillCountsWhenTheMasterChecks() {
    try (Peer m = seededKv(); Peer p = open("p", KV); Peer q = open("q", KV)) {
      bothPeersIncrementCAndDeleteTheMastersX(m, p, q);
      net.deliverAll();

      SyncReport master = m.sync(); // p first: both; then q's inc (permutation), q's del skipped

      assertThat(master.applied()).isEqualTo(3);
      assertThat(master.skipped()).isEqualTo(1);
      assertThat(counter(m.db(), "c")).isEqualTo(2);
      net.deliverAll();
      SyncReport peer = q.sync(recordingDrop);
      assertThat(conflicts).isEmpty();
      assertThat(peer.convergent()).isEqualTo(1);
      p.sync(recordingDrop);
      for (Peer r : List.of(m, p, q)) {
        assertThat(counter(r.db(), "c")).as("counter on %s", r.peerId()).isEqualTo(2);
      }
    }
  }

  /**
   * A peer whose log had not reached the master yet does not hold the squash; the master squashes
   * past the head the peer's pending action was written against. The master's concurrent edit of
   * the same row (now inside the snapshot) must still make the peer's edit a conflict, as it does
   * without a squash (see ConflictResolutionTest), not be overwritten silently.
   */
  @Test
  void concurrentEditIsStillAConflictWhenTheMasterSquashedPastThePeersBase() {
    ActionRegistry bank = Bank.actions();
    try (Peer m = seededBank(bank); Peer q = open("q", bank)) {
      net.deliverAll(); // the master knows q, not p
      try (Peer p = open("p", bank)) { // p joins at master seq 4; its log is not at the master yet
        m.submit("edit_amount", new Bank.Edit("t1", 200)); // seq 5
        net.deliverMasterTo("q");
        q.sync();
        net.deliver(FileSyncer.logOf("q"), M);
        assertThat(m.sync().squashedTo()).hasValue(5); // q acked 5, the only peer the master knows

        p.submit("edit_amount", new Bank.Edit("t1", 150)); // written against seq 4: t1 = 100
        net.deliverAll();
        m.sync();
        net.deliverAll();
        SyncReport peer = p.sync(recordingDrop);

        assertThat(conflicts).extracting(ConflictContext::kind).containsExactly(ConflictKind.NON_COMMUTATIVE);
        assertThat(peer.dropped()).isEqualTo(1);
        net.deliverAll();
        m.sync();
        assertThat(m.db().one("SELECT amount FROM transactions WHERE id = 't1'", Long.class)).contains(200L);
      }
    }
  }

  @Test
  void sameValueWrittenByTwoPeersIsAbsorbedOnThePeer() {
    try (Peer m = seededKv(); Peer p = open("p", KV); Peer q = open("q", KV)) {
      p.submit("set", new Kv("x", "same"));
      q.submit("set", new Kv("x", "same"));
      net.deliver(FileSyncer.logOf("p"), M);
      m.sync();
      net.deliverMasterTo("q");

      SyncReport report = q.sync(recordingDrop);

      assertThat(conflicts).isEmpty();
      assertThat(report).isEqualTo(report(0, 0, 0, 0, 1));
      net.deliverAll();
      m.sync();
      net.deliverAll();
      p.sync(recordingDrop);
      for (Peer r : List.of(m, p, q)) {
        assertThat(value(r.db(), "x")).isEqualTo("same");
      }
    }
  }

  @Test
  void sameValueWrittenByTwoPeersIsAcceptedByTheMaster() {
    try (Peer m = seededKv(); Peer p = open("p", KV); Peer q = open("q", KV)) {
      p.submit("set", new Kv("x", "same"));
      q.submit("set", new Kv("x", "same"));
      net.deliverAll();

      SyncReport master = m.sync();

      assertThat(master.applied()).isEqualTo(2);
      assertThat(master.skipped()).isZero();
      net.deliverAll();
      p.sync(recordingDrop);
      q.sync(recordingDrop);
      assertThat(conflicts).isEmpty();
      for (Peer r : List.of(m, p, q)) {
        assertThat(value(r.db(), "x")).isEqualTo("same");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Context of own actions

  @Test
  void severalOwnActionsOnOneRowAreAllKeptWhileTheMasterChangedOtherRows() {
    ActionRegistry bank = Bank.actions();
    try (Peer m = seededBank(bank); Peer p = open("p", bank)) {
      masterDepositsWhilePDepositsAndEditsItTwice(m, p);
      net.deliverMasterTo("p");

      SyncReport peer = p.sync(recordingDrop);

      assertThat(conflicts).isEmpty();
      assertThat(peer).isEqualTo(report(3, 0, 0, 0, 0));
      assertThat(Bank.balance(p.db(), "acc")).isEqualTo(150);
      net.deliverAll();
      assertThat(m.sync().applied()).isEqualTo(3);
      assertThat(Bank.balance(m.db(), "acc")).isEqualTo(150);
    }
  }

  @Test
  void severalOwnActionsOnOneRowAreAllAcceptedByTheMasterFromTheirOriginalBase() {
    ActionRegistry bank = Bank.actions();
    try (Peer m = seededBank(bank); Peer p = open("p", bank)) {
      masterDepositsWhilePDepositsAndEditsItTwice(m, p);
      net.deliverAll(); // the master checks them before p rebases

      SyncReport master = m.sync();

      assertThat(master.applied()).isEqualTo(3);
      assertThat(master.skipped()).isZero();
      assertThat(Bank.balance(m.db(), "acc")).isEqualTo(150);
      net.deliverAll();
      assertThat(p.sync(recordingDrop)).isEqualTo(report(0, 0, 0, 0, 0));
      assertThat(conflicts).isEmpty();
      assertThat(p.pending()).isEmpty();
      assertThat(dump(p.db())).isEqualTo(dump(m.db()));
    }
  }

  @Test
  void setThenAppendsOnOneKeyAreAllKeptWhileTheMasterWroteAnotherKey() {
    try (Peer m = seededKv(); Peer p = open("p", KV)) {
      m.submit("set", new Kv("y", "M"));
      p.submit("set", new Kv("x", "a"));
      p.submit("append", new Kv("x", "b")); // applies only after p's own set
      p.submit("append", new Kv("x", "c"));
      net.deliverMasterTo("p");

      SyncReport peer = p.sync(recordingDrop);

      assertThat(conflicts).isEmpty();
      assertThat(peer).isEqualTo(report(3, 0, 0, 0, 0));
      assertThat(value(p.db(), "x")).isEqualTo("abc");
      assertThat(value(p.db(), "y")).isEqualTo("M");
      net.deliverAll();
      assertThat(m.sync().applied()).isEqualTo(3);
      assertThat(value(m.db(), "x")).isEqualTo("abc");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Scenarios shared by several tests

  /**
   * The master takes p's two actions; q, holding two actions with the same end state, syncs: both
   * are absorbed as convergent, without the resolver, and q ends where the master is.
   */
  private void assertQAbsorbsThePairTheMasterTookFromP(Peer m, Peer q) {
    net.deliver(FileSyncer.logOf("p"), M);
    assertThat(m.sync().applied()).isEqualTo(2);
    net.deliverMasterTo("q");

    SyncReport report = q.sync(recordingDrop);

    assertThat(conflicts).isEmpty();
    assertThat(report).isEqualTo(report(0, 0, 0, 0, 2));
    assertThat(q.pending()).isEmpty();
    assertThat(dump(q.db())).isEqualTo(dump(m.db()));
  }

  /** The master sets x; p and q sync to it, then each increments c and deletes x (p first). */
  private void bothPeersIncrementCAndDeleteTheMastersX(Peer m, Peer p, Peer q) {
    m.submit("set", new Kv("x", "1"));
    net.deliverAll();
    p.sync();
    q.sync();
    p.submit("inc", new Key("c"));
    p.submit("del", new Key("x"));
    q.submit("inc", new Key("c"));
    q.submit("del", new Key("x"));
  }

  /** Master seq 5 deposits t2 into acc; p deposits t5 into acc, then edits t5's amount twice. */
  private static void masterDepositsWhilePDepositsAndEditsItTwice(Peer m, Peer p) {
    m.submit("deposit", new Bank.Move("t2", "acc", 20)); // seq 5: another row, same account
    p.submit("deposit", new Bank.Move("t5", "acc", 10)); // t5 exists only in p's own context
    p.submit("edit_amount", new Bank.Edit("t5", 20));
    p.submit("edit_amount", new Bank.Edit("t5", 30));
  }

  // ---------------------------------------------------------------------------------------------
  // Fixtures

  /** Bank: seq 1 init, 2 account "acc", 3 account "acc2", 4 deposit t1 of 100 into acc; delivered. */
  private Peer seededBank(ActionRegistry bank) {
    Peer m = open(M, bank);
    m.submit("init_bank", null);
    m.submit("open_account", new Bank.Open("acc", "Shared"));
    m.submit("open_account", new Bank.Open("acc2", "Other"));
    m.submit("deposit", new Bank.Move("t1", "acc", 100));
    net.deliverAll();
    return m;
  }

  /** Key/value: seq 1 init, seq 2 counter "c" at 0; delivered. */
  private Peer seededKv() {
    Peer m = open(M, KV);
    m.submit("init_kv", null);
    m.submit("counter", new Key("c"));
    net.deliverAll();
    return m;
  }

  private Peer open(String id, ActionRegistry actions) {
    return Replicas.open(net, id, actions);
  }

  private static SyncReport report(int applied, int skipped, int dropped, int forced, int convergent) {
    return new SyncReport(applied, skipped, dropped, forced, convergent, OptionalLong.empty());
  }

  private static long rowid(Db db, String noteId) {
    return db.one("SELECT rowid FROM notes WHERE id = ?", Long.class, noteId).orElseThrow();
  }
}
