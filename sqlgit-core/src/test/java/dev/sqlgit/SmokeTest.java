package dev.sqlgit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.testing.Bank;
import dev.sqlgit.testing.FileSyncer;
import dev.sqlgit.testing.Replicas;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
  @TempDir Path dir;

  @Test
  void twoPeersConvergeWithRetryTopUp() {
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    ActionRegistry actions = Bank.actions();
    try (Peer alice = Replicas.open(net, "alice", actions)) {
      Bank.seed(alice);
      net.deliverAll();
      try (Peer bob = Replicas.open(net, "bob", actions)) {
        assertThat(Bank.balance(bob.db(), "acc")).isEqualTo(100);
        alice.submit("withdraw", new Bank.Move("t2", "acc", 80));
        bob.submit("withdraw", new Bank.Move("t3", "acc", 50));
        net.deliverAll();
        SyncReport report = bob.sync(ctx -> {
          assertThat(ctx.kind()).isEqualTo(ConflictKind.ERROR);
          ctx.submit("deposit", new Bank.Move("t4", "acc", 30));
          return Resolution.RETRY;
        });
        assertThat(report.applied()).isEqualTo(2);
        assertThat(Bank.balance(bob.db(), "acc")).isZero();
        net.deliverAll();
        SyncReport m = alice.sync();
        assertThat(m.applied()).isEqualTo(2);
        assertThat(m.forced()).isEqualTo(1);
        assertThat(Bank.balance(alice.db(), "acc")).isZero();
        net.deliverAll();
        bob.sync();
        assertThat(bob.pending()).isEmpty();
        assertThat(bob.masterHead()).isEqualTo(alice.masterHead());
      }
    }
  }
}
