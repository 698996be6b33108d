package dev.sqlgit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.testing.UserTables;
import dev.sqlgit.testing.FileSyncer;
import dev.sqlgit.testing.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The fast engine (in-place rebase, state in files that restarts reuse) against the reference path:
 * twin clusters run the same random operations, one with the fast path on and a state directory
 * per replica, one rebuilding everything from snapshot + logs in memory. After
 * every step both must agree on every sync's report, every replica's state, head and pending
 * actions, and every log file, byte for byte.
 */
class DifferentialProperties {

  @Property
  void theFastEngineBehavesExactlyLikeTheReferencePath(
      @ForAll @IntRange(min = 2, max = 4) int size,
      @ForAll("operations") List<SyncProperties.Op> ops) {
    Path dir = TempDirs.create("sqlgit-diff");
    try (SyncProperties.Cluster fast = new SyncProperties.Cluster(dir.resolve("fast"), size, false, true);
        SyncProperties.Cluster reference = new SyncProperties.Cluster(dir.resolve("reference"), size, true)) {
      for (SyncProperties.Op op : ops) {
        fast.run(op);
        reference.run(op);
        assertSame(fast, reference, op);
      }
      fast.quiesce();
      reference.quiesce();
      assertSame(fast, reference, "quiescence");
      net.jqwik.api.statistics.Statistics.label("reopens from a state file")
          .collect(fast.reopenedFromStateFile == 0 ? "none" : "some");
      long inPlace = fast.ids().stream().mapToLong(id -> fast.peer(id).syncsInPlace()).sum();
      net.jqwik.api.statistics.Statistics.label("peer syncs rebased in place").collect(inPlace == 0 ? "none" : inPlace < 5 ? "1-4" : "5+");
      assertThat(reference.ids().stream().mapToLong(id -> reference.peer(id).syncsInPlace()).sum())
          .as("the reference twin never takes the fast path").isZero();
    } finally {
      TempDirs.delete(dir);
    }
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<List<SyncProperties.Op>> operations() {
    return new SyncProperties().operations();
  }

  private static void assertSame(SyncProperties.Cluster fast, SyncProperties.Cluster reference, Object after) {
    assertThat(fast.trace).as("sync outcomes after %s", after).isEqualTo(reference.trace);
    for (String id : fast.ids()) {
      Peer f = fast.peer(id);
      Peer r = reference.peer(id);
      assertThat(UserTables.dump(f.db())).as("state of %s after %s", id, after).isEqualTo(UserTables.dump(r.db()));
      assertThat(f.masterHead()).as("head of %s", id).isEqualTo(r.masterHead());
      assertThat(f.pending()).as("pending of %s", id).isEqualTo(r.pending());
      assertThat(bytes(fast.net(), id)).as("log of %s after %s", id, after).isEqualTo(bytes(reference.net(), id));
    }
  }

  private static String bytes(FileSyncer net, String id) {
    try {
      Path log = net.rootOf(id).resolve(FileSyncer.logOf(id));
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
