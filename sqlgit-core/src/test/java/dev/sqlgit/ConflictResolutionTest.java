package dev.sqlgit;

import static dev.sqlgit.testing.LogEntries.sourceOf;
import static dev.sqlgit.testing.UserTables.dump;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlgit.testing.Bank;
import dev.sqlgit.testing.FileBytes;
import dev.sqlgit.testing.FileSyncer;
import dev.sqlgit.testing.LogEntries;
import dev.sqlgit.testing.Replicas;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a peer's resolver can do with a real conflict (SPEC §2, peer sync): DROP, FORCE, RETRY after
 * mitigations, and what happens when it cannot be carried out. Master "m" seeds a bank with one
 * account "acc" holding 100 (master seqs 1..3); peers "p" and "q" work on copies of the cluster
 * root that a {@link FileSyncer} keeps in step.
 */
class ConflictResolutionTest {
  private static final String M = "m";

  @TempDir Path dir;
  private FileSyncer net;
  private final ActionRegistry actions = Bank.actions();

  @BeforeEach
  void cluster() {
    net = new FileSyncer(dir, M, List.of(M, "p", "q"));
  }

  // ---------------------------------------------------------------------------------------------
  // RETRY with a mitigation

  @Test
  void retryWithTopUpKeepsMitigationBeforeTheForcedOriginalAndMasterIncorporatesBoth() {
    try (Peer m = seededMaster(); Peer p = open("p")) {
      overdraft(m, p); // master withdrew 80 (seq 4); p withdrew 50 against 100

      AtomicInteger calls = new AtomicInteger();
      SyncReport report =
          p.sync(ctx -> {
            calls.incrementAndGet();
            ctx.submit("deposit", new Bank.Move("t4", "acc", 30));
            return Resolution.RETRY;
          });

      assertThat(calls).hasValue(1);
      assertThat(report).isEqualTo(report(2, 0, 0, 0, 0));
      assertThat(Bank.balance(p.db(), "acc")).isZero();
      assertThat(p.masterHead()).isEqualTo(4);

      // Own log: the mitigation (new, higher seq) first, then the original marked force, then the ack.
      List<JsonNode> log = lines("p", "p");
      assertThat(log).hasSize(3);
      assertAction(log.get(0), 2, "deposit", 4, false);
      assertAction(log.get(1), 1, "withdraw", 4, true);
      assertThat(log.get(2).get("kind").asText()).isEqualTo("master_ack");
      assertThat(log.get(2).get("masterSeq").asLong()).isEqualTo(4);
      assertThat(log.get(2).get("lastSeq").asLong()).isEqualTo(2);
      assertThat(p.pending())
          .extracting(PeerAction::seq, PeerAction::name, PeerAction::baseMasterSeq, PeerAction::force)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(2L, "deposit", 4L, false),
              org.assertj.core.groups.Tuple.tuple(1L, "withdraw", 4L, true));

      net.deliverAll();
      SyncReport master = m.sync();
      assertThat(master.applied()).isEqualTo(2);
      assertThat(master.forced()).isEqualTo(1);
      assertThat(master.skipped()).isZero();
      List<JsonNode> masterActions = actionLines(M, M);
      JsonNode mitigation = masterActions.get(masterActions.size() - 2);
      JsonNode original = masterActions.get(masterActions.size() - 1);
      assertThat(mitigation.get("seq").asLong()).isEqualTo(5);
      assertThat(mitigation.get("name").asText()).isEqualTo("deposit");
      assertThat(sourceOf(mitigation)).isEqualTo(new Source("p", 2));
      assertThat(mitigation.path("forced").asBoolean(false)).isFalse();
      assertThat(original.get("seq").asLong()).isEqualTo(6);
      assertThat(original.get("name").asText()).isEqualTo("withdraw");
      assertThat(sourceOf(original)).isEqualTo(new Source("p", 1));
      assertThat(original.path("forced").asBoolean(false)).isTrue();
      assertThat(Bank.balance(m.db(), "acc")).isZero();

      net.deliverAll();
      p.sync();
      assertThat(p.pending()).isEmpty();
      assertThat(p.masterHead()).isEqualTo(m.masterHead()).isEqualTo(6);
      assertThat(dump(p.db())).isEqualTo(dump(m.db()));
    }
  }

  @Test
  void retryWithoutAnyMitigationFailsAndLeavesPeerUnchanged() {
    try (Peer m = seededMaster(); Peer p = open("p")) {
      overdraft(m, p);
      PeerImage before = image(p);

      Throwable thrown = catchThrowable(() -> p.sync(ctx -> Resolution.RETRY));

      assertThat(thrown).isInstanceOf(ResolutionException.class);
      assertUnchanged(p, before);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // DROP

  @Test
  void dropRemovesTheActionFromTheOwnLogAndLeavesMasterState() {
    try (Peer m = seededMaster(); Peer p = open("p")) {
      overdraft(m, p);

      SyncReport report = p.sync(ctx -> Resolution.DROP);

      assertThat(report).isEqualTo(report(0, 0, 1, 0, 0));
      assertThat(p.pending()).isEmpty();
      List<JsonNode> log = lines("p", "p");
      assertThat(log).hasSize(1);
      assertThat(log.get(0).get("kind").asText()).isEqualTo("master_ack");
      assertThat(log.get(0).get("masterSeq").asLong()).isEqualTo(4);
      assertThat(log.get(0).get("lastSeq").asLong()).isEqualTo(1);
      assertThat(Bank.balance(p.db(), "acc")).isEqualTo(20);
      assertThat(dump(p.db())).isEqualTo(dump(m.db()));

      net.deliverAll();
      assertThat(m.sync().applied()).isZero();
      assertThat(actionLines(M, M)).noneMatch(a -> sourceOf(a).peer().equals("p"));
    }
  }

  @Test
  void mitigationsQueuedBeforeDropAreKeptAndReachTheMaster() {
    try (Peer m = seededMaster(); Peer p = open("p")) {
      overdraft(m, p);

      SyncReport report =
          p.sync(ctx -> {
            ctx.submit("deposit", new Bank.Move("t4", "acc", 30));
            return Resolution.DROP;
          });

      assertThat(report).isEqualTo(report(1, 0, 1, 0, 0));
      List<JsonNode> log = lines("p", "p");
      assertThat(log).hasSize(2);
      assertAction(log.get(0), 2, "deposit", 4, false);
      assertThat(log.get(1).get("kind").asText()).isEqualTo("master_ack");
      assertThat(Bank.balance(p.db(), "acc")).isEqualTo(50);

      net.deliverAll();
      SyncReport master = m.sync();
      assertThat(master.applied()).isEqualTo(1);
      assertThat(master.forced()).isZero();
      assertThat(Bank.balance(m.db(), "acc")).isEqualTo(50);
      net.deliverAll();
      p.sync();
      assertThat(p.pending()).isEmpty();
      assertThat(dump(p.db())).isEqualTo(dump(m.db()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // FORCE

  @Test
  void forceOfNonCommutativeIsCountedAsForcedAndAcceptedByMasterWhenNothingElseCameAfterItsBase() {
    try (Peer m = seededMaster(); Peer p = open("p")) {
      m.submit("edit_amount", new Bank.Edit("t1", 200)); // seq 4
      p.submit("edit_amount", new Bank.Edit("t1", 150)); // base 3
      net.deliverAll();

      List<ConflictKind> kinds = new ArrayList<>();
      SyncReport report =
          p.sync(ctx -> {
            kinds.add(ctx.kind());
            return Resolution.FORCE;
          });

      assertThat(kinds).containsExactly(ConflictKind.NON_COMMUTATIVE);
      assertThat(report).isEqualTo(report(0, 0, 0, 1, 0));
      assertThat(amount(p.db(), "t1")).isEqualTo(150);
      assertThat(Bank.balance(p.db(), "acc")).isEqualTo(150);
      List<JsonNode> log = lines("p", "p");
      assertAction(log.get(0), 1, "edit_amount", 4, true);

      net.deliverAll();
      SyncReport master = m.sync();
      assertThat(master.applied()).isEqualTo(1);
      assertThat(master.forced()).isEqualTo(1);
      assertThat(master.skipped()).isZero();
      JsonNode last = last(actionLines(M, M));
      assertThat(sourceOf(last)).isEqualTo(new Source("p", 1));
      assertThat(last.path("forced").asBoolean(false)).isTrue();
      assertThat(amount(m.db(), "t1")).isEqualTo(150);
      assertThat(Bank.balance(m.db(), "acc")).isEqualTo(150);
    }
  }

  @Test
  void forcedActionIsRejectedByMasterWhenAnotherPeersActionWasIncorporatedAfterItsBase() {
    try (Peer m = seededMaster(); Peer p = open("p"); Peer q = open("q")) {
      m.submit("edit_amount", new Bank.Edit("t1", 200)); // seq 4
      p.submit("edit_amount", new Bank.Edit("t1", 150)); // base 3
      net.deliver(FileSyncer.logOf(M), "p");
      assertThat(p.sync(ctx -> Resolution.FORCE).forced()).isEqualTo(1); // now force, base 4

      // Meanwhile q's unrelated action reaches the master first and lands at seq 5.
      q.submit("open_account", new Bank.Open("acc2", "Other"));
      net.deliver(FileSyncer.logOf("q"), M);
      assertThat(m.sync().applied()).isEqualTo(1);

      net.deliver(FileSyncer.logOf("p"), M);
      SyncReport master = m.sync();
      assertThat(master.skipped()).isEqualTo(1);
      assertThat(master.applied()).isZero();
      assertThat(master.forced()).isZero();
      assertThat(amount(m.db(), "t1")).isEqualTo(200);
      assertThat(actionLines(M, M)).noneMatch(a -> sourceOf(a).peer().equals("p"));

      // On p the pending forced action is re-checked with the force rule: q's seq 5 lies after its base.
      net.deliverAll();
      List<ConflictContext> seen = new ArrayList<>();
      List<Long> suffixSeqs = new ArrayList<>();
      SyncReport again =
          p.sync(ctx -> {
            seen.add(ctx);
            assertThat(ctx.kind()).isEqualTo(ConflictKind.NON_COMMUTATIVE);
            assertThat(ctx.action().force()).isTrue();
            ctx.masterSuffix().forEach(a -> suffixSeqs.add(a.seq()));
            return Resolution.FORCE;
          });
      assertThat(seen).hasSize(1);
      assertThat(suffixSeqs).containsExactly(5L);
      assertThat(again.forced()).isEqualTo(1);
      assertAction(lines("p", "p").get(0), 1, "edit_amount", 5, true);

      net.deliverAll();
      SyncReport accepted = m.sync();
      assertThat(accepted.forced()).isEqualTo(1);
      assertThat(amount(m.db(), "t1")).isEqualTo(150);
    }
  }

  /**
   * A pending forced action is re-checked with the force rule; when it now throws on the rebased
   * state (another peer drained the account meanwhile) the resolver must be told ERROR, with the
   * error (ConflictContext.kind(): "ERROR when it throws on the rebased state"), since FORCE of
   * it can only fail.
   */
  @Test
  void pendingForcedActionThatNowThrowsIsReportedAsAnError() {
    try (Peer m = seededMaster(); Peer p = open("p"); Peer q = open("q")) {
      overdraft(m, p); // master at 20
      p.sync(ctx -> {
        ctx.submit("deposit", new Bank.Move("t4", "acc", 30));
        return Resolution.RETRY;
      }); // p: deposit t4 (p/2), withdraw t3 forced (p/1), base 4
      q.submit("withdraw", new Bank.Move("t6", "acc", 20)); // q drains the account first
      net.deliver(FileSyncer.logOf("q"), M);
      assertThat(m.sync().applied()).isEqualTo(1); // seq 5: balance 0
      net.deliver(FileSyncer.logOf("p"), M);
      SyncReport master = m.sync(); // seq 6: p's deposit (balance 30); forced withdraw rejected
      assertThat(master.applied()).isEqualTo(1);
      assertThat(master.skipped()).isEqualTo(1);
      net.deliverAll();

      List<ConflictKind> kinds = new ArrayList<>();
      List<Boolean> errors = new ArrayList<>();
      SyncReport report =
          p.sync(ctx -> {
            kinds.add(ctx.kind());
            errors.add(ctx.error().isPresent());
            ctx.submit("deposit", new Bank.Move("t7", "acc", 50));
            return Resolution.RETRY;
          });

      assertThat(kinds).containsExactly(ConflictKind.ERROR);
      assertThat(errors).containsExactly(true);
      assertThat(report.applied()).isEqualTo(2);
      assertThat(Bank.balance(p.db(), "acc")).isEqualTo(30);
    }
  }

  @Test
  void forceOnAnErrorConflictFailsTheSyncAndLeavesPeerExactlyAsBefore() {
    try (Peer m = seededMaster(); Peer p = open("p")) {
      overdraft(m, p);
      PeerImage before = image(p);

      Throwable thrown = catchThrowable(() -> p.sync(ctx -> Resolution.FORCE));

      assertThat(thrown).isInstanceOf(ResolutionException.class);
      assertUnchanged(p, before);
      assertThat(p.masterHead()).isEqualTo(3);

      // The counter did not move backwards or get lost: the next submit takes seq 2.
      p.submit("deposit", new Bank.Move("t9", "acc", 1));
      assertThat(last(p.pending()).seq()).isEqualTo(2);
      assertAction(last(lines("p", "p")), 2, "deposit", 3, false);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // No resolver, throwing resolver

  @Test
  void syncWithoutResolverOnARealConflictThrowsAndLeavesPeerUnchanged() {
    try (Peer m = seededMaster(); Peer p = open("p")) {
      overdraft(m, p);
      PeerImage before = image(p);

      Throwable thrown = catchThrowable(p::sync);

      assertThat(thrown).isInstanceOf(UnresolvedConflictException.class);
      UnresolvedConflictException e = (UnresolvedConflictException) thrown;
      assertThat(e.action().seq()).isEqualTo(1);
      assertThat(e.action().name()).isEqualTo("withdraw");
      assertThat(e.kind()).isEqualTo(ConflictKind.ERROR);
      assertUnchanged(p, before);
      assertThat(p.masterHead()).isEqualTo(3);
      p.submit("deposit", new Bank.Move("t9", "acc", 1));
      assertThat(last(p.pending()).seq()).isEqualTo(2);
    }
  }

  @Test
  void resolverThatThrowsPropagatesAndLeavesPeerUnchanged() {
    try (Peer m = seededMaster(); Peer p = open("p")) {
      overdraft(m, p);
      PeerImage before = image(p);
      IllegalStateException boom = new IllegalStateException("user closed the dialog");

      Throwable thrown =
          catchThrowable(() ->
              p.sync(ctx -> {
                ctx.submit("deposit", new Bank.Move("t4", "acc", 30)); // applied to the rebased state
                throw boom;
              }));

      assertThat(thrown).isSameAs(boom);
      assertUnchanged(p, before);
      assertThat(p.masterHead()).isEqualTo(3);
      // Peer still works: the conflict can be resolved on a later sync.
      assertThat(p.sync(ctx -> Resolution.DROP).dropped()).isEqualTo(1);
    }
  }

  @Test
  void resolverReturningNullFailsWithResolutionExceptionAndLeavesPeerUnchanged() {
    try (Peer m = seededMaster(); Peer p = open("p")) {
      overdraft(m, p);
      PeerImage before = image(p);

      assertThatThrownBy(() -> p.sync(ctx -> null)).isInstanceOf(ResolutionException.class);
      assertUnchanged(p, before);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // ConflictContext

  @Test
  void conflictContextOfAnErrorShowsActionErrorSuffixAndBothStates() {
    try (Peer m = seededMaster(); Peer p = open("p"); Peer q = open("q")) {
      p.submit("deposit", new Bank.Move("t5", "acc", 5)); // p seq 1: commutes, master takes it
      p.submit("withdraw", new Bank.Move("t3", "acc", 60)); // p seq 2: overdraft after master's withdraw
      q.submit("open_account", new Bank.Open("acc2", "Other")); // q seq 1
      m.submit("withdraw", new Bank.Move("t2", "acc", 80)); // seq 4
      net.deliverAll();
      SyncReport master = m.sync(); // seq 5 = p/1, p/2 skipped, seq 6 = q/1
      assertThat(master.applied()).isEqualTo(2);
      assertThat(master.skipped()).isEqualTo(1);
      net.deliverAll();

      AtomicInteger calls = new AtomicInteger();
      AtomicReference<ConflictContext> captured = new AtomicReference<>();
      SyncReport report =
          p.sync(ctx -> {
            calls.incrementAndGet();
            captured.set(ctx);
            assertThat(ctx.action().seq()).isEqualTo(2);
            assertThat(ctx.action().name()).isEqualTo("withdraw");
            assertThat(ctx.action().params().get("txId").asText()).isEqualTo("t3");
            assertThat(ctx.action().baseMasterSeq()).isEqualTo(3);
            assertThat(ctx.action().force()).isFalse();
            assertThat(ctx.kind()).isEqualTo(ConflictKind.ERROR);
            assertThat(ctx.error()).containsInstanceOf(ActionFailedException.class);
            assertThat(ctx.error().get().getCause()).isInstanceOf(StorageException.class);
            assertThat(((StorageException) ctx.error().get().getCause()).resultCode()).isEqualTo(19);

            // Other peers' master actions after the base; p's own seq 5 is its context, not suffix.
            assertThat(ctx.masterSuffix())
                .extracting(MasterAction::seq, MasterAction::name, MasterAction::source)
                .containsExactly(
                    org.assertj.core.groups.Tuple.tuple(4L, "withdraw", new Source(M, 4)),
                    org.assertj.core.groups.Tuple.tuple(6L, "open_account", new Source("q", 1)));

            // baseDb: master seq 3 plus p's own incorporated deposit.
            assertThat(Bank.balance(ctx.baseDb(), "acc")).isEqualTo(105);
            assertThat(txIds(ctx.baseDb())).containsExactly("t1", "t5");
            assertThat(accountIds(ctx.baseDb())).containsExactly("acc");
            // rebasedDb: the master state at head 6.
            assertThat(Bank.balance(ctx.rebasedDb(), "acc")).isEqualTo(25);
            assertThat(txIds(ctx.rebasedDb())).containsExactly("t1", "t2", "t5");
            assertThat(accountIds(ctx.rebasedDb())).containsExactly("acc", "acc2");

            // Both views are read-only.
            assertReadOnly(ctx.baseDb());
            assertReadOnly(ctx.rebasedDb());

            // Unknown mitigation: clear error, nothing queued.
            assertThatThrownBy(() -> ctx.submit("no_such_action", null))
                .isInstanceOf(UnknownActionException.class);

            // A mitigation shows up in rebasedDb at once, not in baseDb.
            ctx.submit("deposit", new Bank.Move("t4", "acc", 40));
            assertThat(Bank.balance(ctx.rebasedDb(), "acc")).isEqualTo(65);
            assertThat(txIds(ctx.rebasedDb())).containsExactly("t1", "t2", "t4", "t5");
            assertThat(Bank.balance(ctx.baseDb(), "acc")).isEqualTo(105);
            return Resolution.RETRY;
          });

      assertThat(calls).hasValue(1);
      assertThat(report).isEqualTo(report(2, 0, 0, 0, 0));
      assertThat(Bank.balance(p.db(), "acc")).isEqualTo(5);
      // The context is only valid during resolve.
      assertThatThrownBy(() -> captured.get().rebasedDb().query("SELECT 1"))
          .isInstanceOf(ClosedException.class);

      net.deliverAll();
      SyncReport second = m.sync();
      assertThat(second.applied()).isEqualTo(2);
      assertThat(second.forced()).isEqualTo(1);
      assertThat(Bank.balance(m.db(), "acc")).isEqualTo(5);
    }
  }

  @Test
  void conflictContextOfANonCommutativeActionHasNoError() {
    try (Peer m = seededMaster(); Peer p = open("p")) {
      m.submit("edit_amount", new Bank.Edit("t1", 200)); // seq 4
      p.submit("edit_amount", new Bank.Edit("t1", 150));
      net.deliverAll();

      AtomicInteger calls = new AtomicInteger();
      SyncReport report =
          p.sync(ctx -> {
            calls.incrementAndGet();
            assertThat(ctx.kind()).isEqualTo(ConflictKind.NON_COMMUTATIVE);
            assertThat(ctx.error()).isEmpty();
            assertThat(ctx.action().name()).isEqualTo("edit_amount");
            assertThat(ctx.masterSuffix())
                .extracting(MasterAction::seq, MasterAction::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(4L, new Source(M, 4)));
            assertThat(amount(ctx.baseDb(), "t1")).isEqualTo(100);
            assertThat(amount(ctx.rebasedDb(), "t1")).isEqualTo(200);
            assertReadOnly(ctx.baseDb());
            assertReadOnly(ctx.rebasedDb());
            return Resolution.DROP;
          });

      assertThat(calls).hasValue(1);
      assertThat(report).isEqualTo(report(0, 0, 1, 0, 0));
      assertThat(amount(p.db(), "t1")).isEqualTo(200);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Fixtures

  /** Master with a bank: seq 1 init, seq 2 account "acc", seq 3 deposit t1 of 100; delivered. */
  private Peer seededMaster() {
    Peer m = open(M);
    Bank.seed(m);
    net.deliverAll();
    return m;
  }

  /** Master withdraws 80 (seq 4); p, still at seq 3, withdraws 50; p receives the master log. */
  private void overdraft(Peer m, Peer p) {
    m.submit("withdraw", new Bank.Move("t2", "acc", 80));
    p.submit("withdraw", new Bank.Move("t3", "acc", 50));
    assertThat(Bank.balance(p.db(), "acc")).isEqualTo(50);
    net.deliverAll();
  }

  private Peer open(String id) {
    return Replicas.open(net, id, actions);
  }

  private static SyncReport report(int applied, int skipped, int dropped, int forced, int convergent) {
    return new SyncReport(applied, skipped, dropped, forced, convergent, OptionalLong.empty());
  }

  /** Everything observable about a peer that a failed sync must not change. */
  private record PeerImage(Map<String, List<Row>> rows, String ownLog, List<PeerAction> pending, long head) {}

  private PeerImage image(Peer p) {
    return new PeerImage(dump(p.db()), ownLogText(p.peerId()), p.pending(), p.masterHead());
  }

  private void assertUnchanged(Peer p, PeerImage before) {
    assertThat(dump(p.db())).isEqualTo(before.rows());
    assertThat(ownLogText(p.peerId())).isEqualTo(before.ownLog());
    assertThat(p.pending()).isEqualTo(before.pending());
    assertThat(p.masterHead()).isEqualTo(before.head());
  }

  private String ownLogText(String id) {
    return FileBytes.text(net.logAt(id, id));
  }

  /** The lines of {@code owner}'s log as {@code replica}'s root holds it. */
  private List<JsonNode> lines(String replica, String owner) {
    return LogEntries.read(net.logAt(replica, owner));
  }

  private List<JsonNode> actionLines(String replica, String owner) {
    return LogEntries.actions(net.logAt(replica, owner));
  }

  private static void assertAction(JsonNode line, long seq, String name, long base, boolean force) {
    assertThat(line.get("kind").asText()).isEqualTo("action");
    assertThat(line.get("seq").asLong()).isEqualTo(seq);
    assertThat(line.get("name").asText()).isEqualTo(name);
    assertThat(line.get("baseMasterSeq").asLong()).isEqualTo(base);
    assertThat(line.path("force").asBoolean(false)).isEqualTo(force);
  }

  private static void assertReadOnly(Db db) {
    assertThatThrownBy(() -> db.exec("DELETE FROM transactions"))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.resultCode()).isEqualTo(8));
    assertThatThrownBy(() -> db.exec("UPDATE accounts SET balance = 1000"))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.resultCode()).isEqualTo(8));
  }

  private static long amount(Db db, String txId) {
    return db.one("SELECT amount FROM transactions WHERE id = ?", Long.class, txId).orElseThrow();
  }

  private static List<String> txIds(Db db) {
    return db.query("SELECT id FROM transactions ORDER BY id", String.class);
  }

  private static List<String> accountIds(Db db) {
    return db.query("SELECT id FROM accounts ORDER BY id", String.class);
  }

  private static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }
}
