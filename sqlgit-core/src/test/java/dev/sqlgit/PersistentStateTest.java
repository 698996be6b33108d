package dev.sqlgit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.testing.Bank;
import dev.sqlgit.testing.Bank.Move;
import dev.sqlgit.testing.Bank.Open;
import dev.sqlgit.testing.FileSyncer;
import dev.sqlgit.testing.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PeerOptions.stateDir}: the state lives in files and a reopen takes it as it is, without
 * replaying history, as long as its marks match the logs; otherwise it is rebuilt. Either way the
 * reopened replica equals one rebuilt from snapshot + logs.
 */
class PersistentStateTest {
  @TempDir Path dir;

  private static final ActionRegistry ACTIONS = Bank.actions();
  private FileSyncer net;

  private Peer open(String id) {
    return Peer.open(options(id).stateDir(stateOf(id)).build());
  }

  /** The same replica opened without a state file: the reference rebuild. */
  private List<Row> rebuilt(String id) {
    try (Peer p = Peer.open(options(id).build())) {
      return rows(p);
    }
  }

  private PeerOptions.Builder options(String id) {
    return PeerOptions.builder().root(net.rootOf(id)).peerId(id).masterId("m").actions(ACTIONS);
  }

  private Path stateOf(String id) {
    return dir.resolve("state-" + id);
  }

  private static List<Row> rows(Peer p) {
    return p.db().query("SELECT a.id, a.balance, (SELECT count(*) FROM transactions) AS txs FROM accounts a ORDER BY a.id");
  }

  private static java.util.Map<String, Long> balances(Peer p) {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    for (Row r : p.db().query("SELECT id, balance FROM accounts")) {
      out.put(r.getString("id"), r.getLong("balance"));
    }
    return out;
  }

  /** A master and a peer with a little history each, both synced, then closed. */
  private void history() {
    net = new FileSyncer(dir, "m", List.of("m", "p"));
    try (Peer m = open("m"); Peer p = open("p")) {
      Bank.seed(m);
      net.deliverAll();
      p.sync();
      p.submit("deposit", new Move("p1", "acc", 5));
      m.submit("open_account", new Open("b", "Bob"));
      net.deliverAll();
      m.sync();
      net.deliverAll();
      p.sync();
      p.submit("deposit", new Move("p2", "acc", 7)); // pending at close
    }
  }

  @Test
  void aReopenTakesTheStateFileAsItIs() {
    history();
    try (Peer m = open("m"); Peer p = open("p")) {
      assertThat(m.rebuiltOnOpen()).isFalse();
      assertThat(p.rebuiltOnOpen()).isFalse();
      assertThat(p.pending()).extracting(PeerAction::seq).containsExactly(2L);
      assertThat(balances(p)).containsEntry("acc", 112L);
    }
    assertThat(stateRows("p")).isEqualTo(rebuilt("p"));
    assertThat(stateRows("m")).isEqualTo(rebuilt("m"));
  }

  @Test
  void workGoesOnAfterAReopenAndConverges() {
    history();
    try (Peer m = open("m"); Peer p = open("p")) {
      p.submit("deposit", new Move("p3", "acc", 1));
      m.submit("deposit", new Move("m1", "b", 3));
      net.deliverAll();
      m.sync();
      net.deliverAll();
      p.sync();
      assertThat(p.pending()).isEmpty();
      assertThat(rows(p)).isEqualTo(rows(m));
      assertThat(balances(p)).containsEntry("acc", 113L).containsEntry("b", 3L);
    }
    assertThat(stateRows("p")).isEqualTo(rebuilt("p"));
  }

  @Test
  void aPeerWithNothingPendingCatchesUpInPlaceOnOpen() {
    history();
    try (Peer p = open("p")) {
      net.deliverAll();
    }
    try (Peer m = open("m")) {
      m.sync(); // incorporates p2
      m.submit("deposit", new Move("m1", "b", 3));
    }
    net.deliverAll();
    try (Peer p = open("p")) {
      p.sync(); // p2 incorporated: nothing pending any more
    }
    try (Peer m = open("m")) {
      m.submit("deposit", new Move("m2", "b", 4));
    }
    net.deliverAll();
    try (Peer p = open("p")) {
      assertThat(p.rebuiltOnOpen()).isFalse();
      assertThat(balances(p)).containsEntry("b", 7L);
      assertThat(p.masterHead()).isEqualTo(8);
    }
  }

  @Test
  void aStateFileOlderThanTheLogsIsRebuilt() throws IOException {
    history();
    Path saved = dir.resolve("saved");
    TempDirs.replace(stateOf("p"), saved);
    try (Peer p = open("p")) {
      p.submit("deposit", new Move("p3", "acc", 1)); // acknowledged, then the state file is rolled back
    }
    TempDirs.replace(saved, stateOf("p"));
    try (Peer p = open("p")) {
      assertThat(p.rebuiltOnOpen()).isTrue();
      assertThat(balances(p)).containsEntry("acc", 113L);
      assertThat(p.pending()).extracting(PeerAction::seq).containsExactly(2L, 3L);
    }
    try (Peer p = open("p")) {
      assertThat(p.rebuiltOnOpen()).as("the rebuilt file is trusted next time").isFalse();
    }
    assertThat(stateRows("p")).isEqualTo(rebuilt("p"));
  }

  @Test
  void aStateFileWhoseTwoFilesDisagreeIsRebuilt() throws IOException {
    history();
    Path saved = dir.resolve("saved");
    TempDirs.replace(stateOf("m"), saved);
    try (Peer m = open("m")) {
      m.submit("deposit", new Move("m1", "b", 3));
    }
    // journal.db from before the submit, state.db from after: what a crash between their commits leaves.
    Files.copy(saved.resolve("journal.db"), stateOf("m").resolve("journal.db"), StandardCopyOption.REPLACE_EXISTING);
    Files.deleteIfExists(stateOf("m").resolve("journal.db-wal"));
    try (Peer m = open("m")) {
      assertThat(m.rebuiltOnOpen()).isTrue();
      assertThat(balances(m)).containsEntry("b", 3L);
    }
  }

  @Test
  void aStateFileOfAnotherReplicaIsNotTrusted() throws IOException {
    history();
    TempDirs.replace(stateOf("m"), stateOf("p"));
    try (Peer p = open("p")) {
      assertThat(p.rebuiltOnOpen()).isTrue();
      assertThat(p.pending()).hasSize(1);
    }
    assertThat(stateRows("p")).isEqualTo(rebuilt("p"));
  }

  @Test
  void aConflictResolvedOnTheReferencePathLandsInTheStateFile() {
    history();
    try (Peer m = open("m"); Peer p = open("p")) {
      m.submit("deposit", new Move("m1", "b", 1));
      net.deliverAll();
      p.sync();
      p.submit("withdraw", new Move("w1", "b", 1)); // overdraws b once m's own withdrawal lands first
      m.submit("withdraw", new Move("m2", "b", 1));
      net.deliverAll();
      SyncReport report = p.sync(ctx -> Resolution.DROP);
      assertThat(report.dropped()).isPositive();
    }
    try (Peer p = open("p")) {
      assertThat(p.rebuiltOnOpen()).isFalse();
    }
    assertThat(stateRows("p")).isEqualTo(rebuilt("p"));
  }

  private List<Row> stateRows(String id) {
    try (Peer p = open(id)) {
      return rows(p);
    }
  }
}
