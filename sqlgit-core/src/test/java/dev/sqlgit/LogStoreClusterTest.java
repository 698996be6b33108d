package dev.sqlgit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.log.LogRecord;
import dev.sqlgit.log.SqliteLogStore;
import dev.sqlgit.testing.Bank;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole cluster kept in one SQLite database through {@link SqliteLogStore}: no folder at all. */
class LogStoreClusterTest {
  @TempDir Path dir;

  private Peer open(SqliteLogStore logs, String id) {
    return Peer.open(
        PeerOptions.builder().logStore(logs).peerId(id).masterId("alice").actions(Bank.actions()).build());
  }

  @Test
  void aClusterLivesInADatabaseThroughConflictsSquashLateJoinAndRestart() {
    try (SqliteLogStore logs = SqliteLogStore.open(dir.resolve("cluster.db"))) {
      try (Peer alice = open(logs, "alice"); Peer bob = open(logs, "bob")) {
        Bank.seed(alice); // init, account acc, deposit 100
        bob.sync();
        alice.submit("withdraw", new Bank.Move("a1", "acc", 80));
        bob.submit("withdraw", new Bank.Move("b1", "acc", 50));
        SyncReport report = bob.sync(ctx -> {
          ctx.submit("deposit", new Bank.Move("top", "acc", 30));
          return Resolution.RETRY;
        });
        assertThat(report.applied()).isEqualTo(2);
        SyncReport master = alice.sync();
        assertThat(master.forced()).isEqualTo(1);
        assertThat(master.squashedTo()).as("bob acked seq 4").hasValue(4);
        bob.sync();
        assertThat(Bank.balance(bob.db(), "acc")).isZero().isEqualTo(Bank.balance(alice.db(), "acc"));
      }
      assertThat(logs.listDocIds("")).containsExactly("alice", "bob", "snapshot.db");
      try (Stream<LogRecord> first = logs.loadAll("alice")) {
        assertThat(first.findFirst().orElseThrow().data()).isEqualTo("{\"kind\":\"snapshot\",\"masterSeq\":4}");
      }
      try (Peer carol = open(logs, "carol"); Peer alice = open(logs, "alice")) {
        assertThat(carol.masterHead()).isEqualTo(alice.masterHead()).isEqualTo(6);
        assertThat(carol.db().query("SELECT id, amount FROM transactions ORDER BY id"))
            .isEqualTo(alice.db().query("SELECT id, amount FROM transactions ORDER BY id"))
            .hasSize(4);
      }
    }
  }

  @Test
  void peerIdsNeverCollideWithTheSnapshotDocument() {
    try (SqliteLogStore logs = SqliteLogStore.open(dir.resolve("cluster.db"))) {
      logs.append("not a peer", "{\"kind\":\"action\"}"); // a foreign document is ignored
      try (Peer alice = open(logs, "alice")) {
        Bank.seed(alice);
        assertThat(alice.sync()).isEqualTo(SyncReport.NOTHING);
      }
      assertThat(logs.listDocIds("")).contains("not a peer");
    }
  }
}
