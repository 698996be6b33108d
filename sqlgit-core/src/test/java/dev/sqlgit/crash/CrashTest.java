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
 * random point ({@link KillPlanner}): inside one of its phases, or just after it created the temp
 * file of a snapshot write or of a log rewrite. Then this JVM checks the crashed files with {@link
 * Recovery} (nothing acknowledged lost, reopen works, state equals a fresh rebuild of a copy) and,
 * after every other kill, carries the cluster on to convergence with {@link Continuation}; the
 * other kills leave the crashed files to the next child, so crashes during recovery are covered
 * too. One cluster lives through every kill of a run. About a quarter of the kills also get a torn
 * last line appended to a random own log (what a power cut mid-append leaves). At the end, every
 * phase must have been interrupted at least once ({@link CrashStats}); long runs must also have
 * left evidence of every delicate on-disk window ({@link CrashEvidence}).
 *
 * <p>Default: 28 kills (about 40 s). More: {@code -Dsqlgit.crash.kills=200}; replay a run's plan
 * with {@code -Dsqlgit.crash.seed=<seed it printed>} (timings still vary). A failing run keeps its
 * folder and names it.
 */
class CrashTest {
  private static final int KILLS = Integer.getInteger("sqlgit.crash.kills", 28);
  /** Windows asserted only on runs long enough to reach each of them reliably. */
  private static final int KILLS_FOR_WINDOWS = 150;
  private static final List<String> WINDOWS = List.of(
      "snapshot-write", "between-snapshot-and-log-rewrite", "master-log-rewrite", "peer-log-rewrite");

  private final long seed = Long.getLong("sqlgit.crash.seed", new Random().nextLong());
  private final Random random = new Random(seed);
  private final Path work = TempDirs.create("sqlgit-crash");
  private final Ledger ledger = new Ledger();
  private final KillPlanner planner = new KillPlanner(random);
  private final CrashStats stats = new CrashStats();
  private CrashCluster cluster;

  @Test
  void sigkillNeverLosesAnAcknowledgedSubmitAndRecoveryEqualsRebuild() {
    System.out.println("CrashTest: " + KILLS + " kills, seed " + seed + " (-Dsqlgit.crash.seed=" + seed + ")");
    cluster = CrashCluster.create(work.resolve("cluster"));
    for (int kill = 0; kill < KILLS; kill++) {
      String target = KillPlanner.TARGETS.get(kill % KillPlanner.TARGETS.size());
      try {
        killAndCheck(kill, target);
      } catch (RuntimeException | Error e) {
        throw new AssertionError("kill " + kill + " (target " + target + ", seed " + seed + "; files kept in "
            + work + "): " + e.getMessage(), e);
      }
    }
    System.out.println("CrashTest: " + stats + "; " + planner);
    System.out.println("CrashTest: temp files crashes left in the roots (never removed): "
        + CrashEvidence.scan(cluster).tempFiles().size());
    stats.assertEveryPhaseInterrupted();
    if (KILLS >= KILLS_FOR_WINDOWS) {
      stats.assertWindowsHit(WINDOWS);
    }
    TempDirs.delete(work);
  }

  /** One child: run, kill, check; then maybe carry on to convergence. */
  private void killAndCheck(int kill, String target) {
    CrashEvidence before = CrashEvidence.scan(cluster);
    List<String> lines;
    try (ChildProcess child = ChildProcess.start(
            cluster.base(), random.nextLong(), work.resolve("child-" + kill + ".err"));
        FileEvents events = FileEvents.watch(cluster, child::inject)) {
      lines = planner.killDuring(child, target);
    }
    keep(work.resolve("child-" + kill + ".out"), lines); // with the files a failure keeps, for diagnosis
    ledger.read(lines);
    stats.record(lines, CrashEvidence.windows(before, CrashEvidence.scan(cluster)));
    if (random.nextInt(4) == 0) {
      tearOwnLog(CrashCluster.IDS.get(random.nextInt(CrashCluster.IDS.size())));
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
    }
    TempDirs.delete(copy);
  }

  private static void keep(Path file, List<String> lines) {
    try {
      java.nio.file.Files.write(file, lines);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Appends half a line to {@code id}'s own log, as an append cut short by a power loss leaves it. */
  private void tearOwnLog(String id) {
    FileBytes.append(cluster.net().logAt(id, id), "{\"kind\":\"action\",\"seq\":99999,\"name\":\"add\",\"par");
  }
}
