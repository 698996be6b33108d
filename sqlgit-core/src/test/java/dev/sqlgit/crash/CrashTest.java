package dev.sqlgit.crash;

import dev.sqlgit.Peer;
import dev.sqlgit.testing.FileBytes;
import dev.sqlgit.testing.TempDirs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Kills real processes: a child JVM runs {@link CrashWorkload} (master and two peers, each on its
 * own root, submitting, syncing, squashing and delivering in a loop) and is SIGKILLed at a planned
 * random point inside one of its phases ({@link KillPlanner}). Then this JVM checks the crashed
 * files with {@link Recovery} (nothing acknowledged lost, reopen works, state equals a fresh
 * rebuild of a copy) and, after every other kill, carries the cluster on to convergence with {@link
 * Continuation}; the other kills leave the crashed files to the next child, so crashes during
 * recovery are covered too. One cluster lives through every kill of a run. A quarter of the kills
 * also get a torn last line appended to a random own log (what a power cut mid-append leaves).
 *
 * <p>Default: 28 kills (about 40 s). More: {@code -Dsqlgit.crash.kills=200}; replay a run with
 * {@code -Dsqlgit.crash.seed=<seed printed by the run>}.
 */
class CrashTest {
  private static final int KILLS = Integer.getInteger("sqlgit.crash.kills", 28);
  /** Windows asserted only on runs long enough to reach them reliably. */
  private static final int KILLS_FOR_WINDOWS = 120;

  @Test
  void sigkillNeverLosesAnAcknowledgedSubmitAndRecoveryEqualsRebuild() {
    long seed = Long.getLong("sqlgit.crash.seed", new Random().nextLong());
    System.out.println("CrashTest: " + KILLS + " kills, seed " + seed + " (-Dsqlgit.crash.seed=" + seed + ")");
    Random random = new Random(seed);
    Path work = TempDirs.create("sqlgit-crash");
    CrashStats stats = new CrashStats();
    try {
      CrashCluster cluster = CrashCluster.create(work.resolve("cluster"));
      Ledger ledger = new Ledger();
      KillPlanner planner = new KillPlanner(random);
      for (int kill = 0; kill < KILLS; kill++) {
        String target = KillPlanner.TARGETS.get(kill % KillPlanner.TARGETS.size());
        CrashEvidence before = CrashEvidence.scan(cluster);
        List<String> lines;
        try (ChildProcess child = ChildProcess.start(
                work.resolve("cluster"), random.nextLong(), work.resolve("child-" + kill + ".err"));
            FileEvents events = FileEvents.watch(cluster, child::inject)) {
          lines = planner.killDuring(child, target);
        }
        ledger.read(lines);
        stats.record(lines, CrashEvidence.windows(before, CrashEvidence.scan(cluster)));
        if (random.nextInt(4) == 0) {
          tearOwnLog(cluster, CrashCluster.IDS.get(random.nextInt(CrashCluster.IDS.size())));
          stats.count("torn-injected");
        }
        Path copy = work.resolve("copy-" + kill);
        Map<String, Peer> replicas = Recovery.check(cluster, copy, ledger);
        try {
          if (kill % 2 == 1 || kill == KILLS - 1) {
            Continuation.submitAndConverge(cluster, replicas, ledger);
          }
        } finally {
          replicas.values().forEach(Peer::close);
          TempDirs.delete(copy);
        }
      }
      System.out.println("CrashTest: " + stats + "; " + planner);
      System.out.println("CrashTest: temp files crashes left in the roots (never removed): "
          + CrashEvidence.scan(cluster).tempFiles().size());
      stats.assertEveryPhaseInterrupted();
      if (KILLS >= KILLS_FOR_WINDOWS) {
        stats.assertWindowsHit(List.of("peer-log-rewrite", "master-log-rewrite", "snapshot-write"));
      }
    } finally {
      TempDirs.delete(work);
    }
  }

  /** Appends half a line to {@code id}'s own log, as an append cut short by a power loss leaves it. */
  private static void tearOwnLog(CrashCluster cluster, String id) {
    Path log = cluster.net().logAt(id, id);
    FileBytes.append(log, "{\"kind\":\"action\",\"seq\":99999,\"name\":\"add\",\"par");
  }
}
