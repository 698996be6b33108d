package dev.sqlgit.crash;

import dev.sqlgit.FileSyncLagException;
import dev.sqlgit.Peer;
import dev.sqlgit.Resolution;
import dev.sqlgit.SyncReport;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * The child process that {@link CrashTest} kills: it opens the whole {@link CrashCluster} (master
 * and peers, each on its own root) and runs a seeded random mix of submits, peer syncs (resolver:
 * drop), master syncs (incorporate + squash) and deliveries until it is killed. Full rounds
 * (deliver, master sync, deliver, peer syncs, deliver, master sync) make every peer ack often, so
 * the master squashes often. One process hosts every replica so that squashes are driven by real
 * acks; a kill crashes them all at once.
 *
 * <p>Protocol on stdout, one flushed line each: {@code BEGIN <phase>} / {@code END <phase>} around
 * every step ({@code open}, {@code submit-master}, {@code submit-peer}, {@code sync-master}, {@code
 * sync-peer}, {@code deliver}, and {@code squash} for the master sync that ends a full round);
 * {@code ACK <author> <n>} once submit of item n returned; {@code SQUASH <head>}; {@code DROP
 * <peer> <seq>} if the resolver ever drops; {@code LAG <peer>} on a file-sync lag. Any failure
 * prints {@code FAIL <error>} and exits with status 3.
 *
 * <p>Usage: {@code CrashWorkload <base folder> <seed>}; it exits when its stdin closes (the parent
 * died), so no orphan runs on.
 */
public final class CrashWorkload {
  private final PrintStream out =
      new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
  private final CrashCluster cluster;
  private final Random random;
  private final Map<String, Peer> replicas = new HashMap<>();
  private final Map<String, Long> next = new HashMap<>();

  private CrashWorkload(Path base, long seed) {
    this.cluster = new CrashCluster(base);
    this.random = new Random(seed);
  }

  public static void main(String[] args) {
    exitWhenParentDies();
    CrashWorkload workload = new CrashWorkload(Path.of(args[0]), Long.parseLong(args[1]));
    try {
      workload.run();
    } catch (RuntimeException | Error e) {
      workload.emit("FAIL " + e);
      e.printStackTrace();
      System.exit(3);
    }
  }

  /** The parent keeps stdin open; end of input means it died, and nobody would kill this process. */
  private static void exitWhenParentDies() {
    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // the parent never writes
        }
      } catch (IOException e) {
        // treat like end of input
      }
      Runtime.getRuntime().halt(4);
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private void run() {
    emit("BEGIN open");
    replicas.putAll(cluster.openAll());
    emit("END open");
    for (String id : CrashCluster.IDS) {
      next.put(id, CrashSchema.head(replicas.get(id).db(), id) + 1);
    }
    while (true) {
      int roll = random.nextInt(12);
      if (roll < 6) {
        submit(CrashCluster.IDS.get(random.nextInt(CrashCluster.IDS.size())));
      } else if (roll < 8) {
        deliver();
        syncPeer(CrashCluster.PEERS.get(random.nextInt(CrashCluster.PEERS.size())));
      } else if (roll < 9) {
        deliver();
        syncMaster("sync-master");
      } else {
        fullRound();
      }
    }
  }

  private void fullRound() {
    deliver();
    syncMaster("sync-master");
    deliver();
    for (String p : CrashCluster.PEERS) {
      syncPeer(p);
    }
    deliver();
    syncMaster("squash");
  }

  private void submit(String id) {
    long n = next.get(id);
    String phase = id.equals(CrashCluster.MASTER) ? "submit-master" : "submit-peer";
    emit("BEGIN " + phase);
    replicas.get(id).submit("add", CrashSchema.item(id, n));
    emit("END " + phase);
    emit("ACK " + id + " " + n);
    next.put(id, n + 1);
  }

  private void syncPeer(String id) {
    emit("BEGIN sync-peer");
    try {
      replicas.get(id).sync(ctx -> {
        emit("DROP " + id + " " + ctx.action().seq());
        return Resolution.DROP;
      });
    } catch (FileSyncLagException e) {
      emit("LAG " + id);
    }
    emit("END sync-peer");
  }

  /** A master sync; {@code squash} names the one after every peer synced, which squashes. */
  private void syncMaster(String phase) {
    emit("BEGIN " + phase);
    SyncReport report = replicas.get(CrashCluster.MASTER).sync();
    emit("END " + phase);
    report.squashedTo().ifPresent(head -> emit("SQUASH " + head));
  }

  private void deliver() {
    emit("BEGIN deliver");
    cluster.deliverPeers();
    cluster.deliverMaster();
    emit("END deliver");
  }

  private synchronized void emit(String line) {
    out.print(line);
    out.print('\n');
    out.flush();
  }
}
