package dev.sqlgit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.testing.Counters;
import dev.sqlgit.testing.FileBytes;
import dev.sqlgit.testing.FileSyncer;
import dev.sqlgit.testing.Replicas;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer whose log had not reached the master when the master squashed past the peer's base
 * (regression, found by the differential property): it must still open after a restart, keep its
 * acknowledged action pending, and meet it as a conflict at the next sync. It used to refuse to
 * open ("actions must be deterministic"), every time.
 */
class SquashedBaseTest {
  @TempDir Path dir;

  @Test
  void aPeerWhoseBaseWasSquashedStillOpensAndMeetsItsActionAsAConflict() throws Exception {
    FileSyncer net = new FileSyncer(dir, "m", List.of("m", "p", "q"));
    ActionRegistry actions = Counters.actions();
    try (Peer m = Replicas.open(net, "m", actions)) {
      m.submit("init", null); // counters a = 6, b = 6
      net.deliverAll();
      try (Peer q = Replicas.open(net, "q", actions)) {
        try (Peer p = Replicas.open(net, "p", actions)) {
          p.submit("dec", new Counters.Step("a", 5)); // acknowledged; p's log never reaches m
          assertThat(Counters.dump(p.db()).get(0).get("value")).isEqualTo(1L);
        }
        m.submit("dec", new Counters.Step("a", 3)); // seq 2: a = 3 at the master
        net.deliver(FileSyncer.logOf("m"), "q");
        q.sync(); // q acks seq 2
        net.deliver(FileSyncer.logOf("q"), "m");
        assertThat(m.sync().squashedTo()).as("m knows only q, so it squashes past p's base").hasValue(2);
      }
      net.deliver(FileSyncer.SNAPSHOT, "p");
      net.deliver(FileSyncer.logOf("m"), "p");
      Path pLog = net.rootOf("p").resolve(FileSyncer.logOf("p"));
      List<String> logBefore = FileBytes.lines(pLog);

      try (Peer p = Replicas.open(net, "p", actions)) {
        assertThat(p.pending()).extracting(PeerAction::name, PeerAction::baseMasterSeq)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("dec", 1L));
        assertThat(FileBytes.lines(pLog)).as("the acknowledged action is still logged").isEqualTo(logBefore);
        assertThat(p.db().one("SELECT n FROM counters WHERE id = 'a'", Long.class))
            .as("its base is gone, so the local state leaves it out until the sync").contains(3L);

        List<ConflictKind> seen = new ArrayList<>();
        SyncReport report = p.sync(ctx -> {
          seen.add(ctx.kind());
          return Resolution.DROP;
        });
        assertThat(seen).as("dec 5 on a = 3 throws: the resolver decides").containsExactly(ConflictKind.ERROR);
        assertThat(report.dropped()).isEqualTo(1);
        assertThat(p.pending()).isEmpty();
        assertThat(Counters.dump(p.db())).isEqualTo(Counters.dump(m.db()));
      }
    }
  }
}
