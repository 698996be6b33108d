package dev.sqlgit.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.Peer;
import dev.sqlgit.Resolver;
import dev.sqlgit.testing.UserTables;
import java.util.Map;

/**
 * (d) A recovered cluster carries on: every replica submits one more item, then deliveries and
 * syncs run until nothing is pending. Checked: no sync meets a conflict, every replica ends with
 * the master's state and head, and the master holds every surviving item of every author.
 */
final class Continuation {
  private static final Resolver NO_CONFLICT = ctx -> {
    throw new AssertionError("a conflict in a conflict-free workload: " + ctx.action() + " " + ctx.kind());
  };

  private Continuation() {}

  static void submitAndConverge(CrashCluster cluster, Map<String, Peer> replicas, Ledger ledger) {
    for (String id : CrashCluster.IDS) {
      long n = CrashSchema.head(replicas.get(id).db(), id) + 1;
      replicas.get(id).submit("add", CrashSchema.item(id, n));
      ledger.raise(id, n);
    }
    Peer master = replicas.get(CrashCluster.MASTER);
    for (int round = 0; round < 10 && !settled(replicas); round++) {
      syncRound(cluster, replicas);
    }
    assertThat(settled(replicas)).as("nothing pending after 10 rounds").isTrue();
    syncRound(cluster, replicas); // the master records the last acks; everyone catches up
    for (String id : CrashCluster.IDS) {
      assertThat(CrashSchema.checkItems(master.db(), id)).as("items of %s at the master", id)
          .isEqualTo(ledger.floor(id));
    }
    for (String p : CrashCluster.PEERS) {
      assertThat(replicas.get(p).masterHead()).as("head of %s", p).isEqualTo(master.masterHead());
      assertThat(UserTables.dump(replicas.get(p).db())).as("state of %s", p).isEqualTo(UserTables.dump(master.db()));
    }
  }

  private static void syncRound(CrashCluster cluster, Map<String, Peer> replicas) {
    cluster.deliverPeers();
    replicas.get(CrashCluster.MASTER).sync();
    cluster.deliverMaster();
    for (String p : CrashCluster.PEERS) {
      replicas.get(p).sync(NO_CONFLICT);
    }
  }

  private static boolean settled(Map<String, Peer> replicas) {
    return replicas.values().stream().allMatch(p -> p.pending().isEmpty());
  }
}
