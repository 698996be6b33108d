package dev.sqlgit;

import static dev.sqlgit.testing.FileBytes.append;
import static dev.sqlgit.testing.FileBytes.bytes;
import static dev.sqlgit.testing.FileBytes.lines;
import static dev.sqlgit.testing.Notes.ids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.testing.FileSyncer;
import dev.sqlgit.testing.LogEntries;
import dev.sqlgit.testing.Notes;
import dev.sqlgit.testing.Notes.Note;
import dev.sqlgit.testing.Replicas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Closing and reopening replicas: same state, same head, pending kept, seqs never reused. */
class RestartTest {
  @TempDir Path dir;

  /** edit_note throws on a missing note: a rebase over alice's delete_note is a conflict. */
  private static final ActionRegistry ACTIONS = Notes.strictActions();

  /** What must survive a restart. */
  record View(List<Row> rows, long masterHead, List<PeerAction> pending) {}

  private FileSyncer net;

  private Peer open(String id) {
    return Replicas.open(net, id, ACTIONS);
  }

  /** Opens alice, the master, submits init and then {@code notes}, and delivers everything. */
  private Peer initialisedMaster(Note... notes) {
    Peer alice = open("alice");
    alice.submit("init", null);
    for (Note note : notes) {
      alice.submit("add_note", note);
    }
    net.deliverAll();
    return alice;
  }

  private static View view(Peer p) {
    return new View(p.db().query("SELECT * FROM notes ORDER BY id"), p.masterHead(), p.pending());
  }

  /** Closes {@code p}, reopens it on the same files, and checks it came back the same. */
  private Peer restart(Peer p) {
    View before = view(p);
    byte[] ownLog = bytes(ownLog(p.peerId()));
    p.close();
    Peer reopened = open(p.peerId());
    assertThat(view(reopened)).as("%s after restart", p.peerId()).isEqualTo(before);
    assertThat(bytes(ownLog(p.peerId()))).as("own log of %s", p.peerId()).isEqualTo(ownLog);
    return reopened;
  }

  private Path ownLog(String id) {
    return net.logAt(id, id);
  }

  private static List<Long> seqs(Peer p) {
    return p.pending().stream().map(PeerAction::seq).toList();
  }

  @Test
  void restartsThroughoutAClustersLifeKeepStateHeadAndPending() {
    net = new FileSyncer(dir, "alice", List.of("alice", "bob", "carol"));
    Peer alice = open("alice");
    Peer bob = open("bob");
    Peer carol = open("carol");
    try {
      alice.submit("init", null);
      alice.submit("add_note", new Note("n1", "one"));
      alice = restart(alice);
      assertThat(alice.masterHead()).isEqualTo(2);
      net.deliverAll();
      bob.close();
      bob = open("bob"); // nothing pending: catches up with the master log on disk
      assertThat(ids(bob)).containsExactly("n1");
      assertThat(bob.masterHead()).isEqualTo(2);
      carol.sync();

      // Pending actions on both peers, a new master action.
      bob.submit("add_note", new Note("b1", "bob one"));
      bob.submit("edit_note", new Note("n1", "bob edit"));
      carol.submit("add_note", new Note("c1", "carol one"));
      alice.submit("add_note", new Note("n2", "two"));
      bob = restart(bob);
      carol = restart(carol);
      alice = restart(alice);
      assertThat(seqs(bob)).containsExactly(1L, 2L);
      assertThat(ids(bob)).containsExactly("b1", "n1");

      // Master incorporates, restarts; peers sync, restart.
      net.deliverAll();
      SyncReport m = alice.sync();
      assertThat(m.applied()).isEqualTo(3);
      alice = restart(alice);
      assertThat(alice.masterHead()).isEqualTo(6);
      net.deliverAll();
      bob.sync();
      carol.sync();
      bob = restart(bob);
      carol = restart(carol);
      assertThat(bob.pending()).isEmpty();
      assertThat(bob.masterHead()).isEqualTo(6);
      assertThat(view(bob).rows()).isEqualTo(view(alice).rows()).isEqualTo(view(carol).rows());

      // Squash, then restart everyone.
      net.deliverAll();
      assertThat(alice.sync().squashedTo()).hasValue(6);
      net.deliverAll();
      alice = restart(alice);
      bob = restart(bob);
      carol = restart(carol);
      assertThat(alice.masterHead()).isEqualTo(6);

      // Life goes on after the squash, with pending across another restart.
      bob.submit("add_note", new Note("b2", "after squash"));
      bob = restart(bob);
      assertThat(seqs(bob)).containsExactly(3L);
      net.deliverAll();
      assertThat(alice.sync().applied()).isEqualTo(1);
      alice = restart(alice);
      net.deliverAll();
      bob.sync();
      carol.sync();
      assertThat(ids(carol)).containsExactly("b1", "b2", "c1", "n1", "n2");
      assertThat(view(carol).rows()).isEqualTo(view(alice).rows()).isEqualTo(view(bob).rows());
    } finally {
      alice.close();
      bob.close();
      carol.close();
    }
  }

  @Test
  void seqsAreNotReusedAfterARestart() {
    net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    try (Peer alice = initialisedMaster()) {
      Peer bob = open("bob");
      try {
        bob.submit("add_note", new Note("b1", "x"));
        bob.submit("add_note", new Note("b2", "x"));
        bob = restart(bob);
        bob.submit("add_note", new Note("b3", "x"));
        assertThat(seqs(bob)).containsExactly(1L, 2L, 3L);
        assertThat(LogEntries.last(ownLog("bob")).get("seq").asLong()).isEqualTo(3);
      } finally {
        bob.close();
      }
    }
  }

  @Test
  void seqsAreNotReusedAfterARebaseDroppedTheNewestAction() {
    net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    try (Peer alice = initialisedMaster(new Note("n1", "one"))) {
      Peer bob = open("bob");
      try {
        alice.submit("delete_note", new Note("n1", ""));
        bob.submit("add_note", new Note("b1", "kept")); // seq 1
        bob.submit("edit_note", new Note("n1", "conflicts")); // seq 2: throws once n1 is gone
        net.deliverAll();

        SyncReport r = bob.sync(ctx -> Resolution.DROP);

        assertThat(r.dropped()).isEqualTo(1);
        assertThat(seqs(bob)).containsExactly(1L);
        assertThat(LogEntries.last(ownLog("bob")).get("lastSeq").asLong()).isEqualTo(2);
        bob.submit("add_note", new Note("b3", "in the same session"));
        assertThat(seqs(bob)).containsExactly(1L, 3L);

        bob = restart(bob);
        bob.submit("add_note", new Note("b4", "after the restart"));
        assertThat(seqs(bob)).containsExactly(1L, 3L, 4L);

        net.deliverAll();
        assertThat(alice.sync().applied()).isEqualTo(3);
        assertThat(ids(alice)).containsExactly("b1", "b3", "b4");
      } finally {
        bob.close();
      }
    }
  }

  @Test
  void mitigationsTakeFreshSeqsThatSurviveARestart() {
    net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    try (Peer alice = initialisedMaster(new Note("n1", "one"))) {
      Peer bob = open("bob");
      try {
        alice.submit("delete_note", new Note("n1", ""));
        bob.submit("edit_note", new Note("n1", "edited")); // seq 1, throws after the delete
        net.deliverAll();

        bob.sync(ctx -> {
          ctx.submit("add_note", new Note("n1", "recreated"));
          return Resolution.RETRY;
        });

        // The mitigation (seq 2) comes first in the log, then the retried original (seq 1).
        assertThat(seqs(bob)).containsExactly(2L, 1L);
        bob = restart(bob);
        bob.submit("add_note", new Note("b2", "next"));
        assertThat(seqs(bob)).containsExactly(2L, 1L, 3L);
      } finally {
        bob.close();
      }
    }
  }

  @ParameterizedTest(name = "squashed = {0}")
  @ValueSource(booleans = {false, true})
  void afterEveryActionWasIncorporatedTheNextSubmitGetsAFreshSeqAndReachesTheMaster(boolean squash) {
    net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    try (Peer alice = initialisedMaster()) {
      Peer bob = open("bob");
      try {
        bob.submit("add_note", new Note("b1", "first")); // seq 1
        net.deliverAll();
        alice.sync();
        net.deliverAll();
        bob.sync();
        // The own log holds no action any more: only the ack remembers the counter.
        assertThat(lines(ownLog("bob"))).containsExactly("{\"kind\":\"master_ack\",\"masterSeq\":2,\"lastSeq\":1}");
        if (squash) {
          net.deliverAll();
          assertThat(alice.sync().squashedTo()).hasValue(2);
          net.deliverAll();
          assertThat(lines(net.logAt("bob", "alice")))
              .containsExactly("{\"kind\":\"snapshot\",\"masterSeq\":2}");
        }

        bob = restart(bob);
        bob.submit("add_note", new Note("b2", "second"));

        assertThat(seqs(bob)).containsExactly(2L);
        assertThat(LogEntries.last(ownLog("bob")).get("seq").asLong()).isEqualTo(2);
        net.deliverAll();
        SyncReport m = alice.sync();
        assertThat(m.applied()).isEqualTo(1);
        assertThat(ids(alice)).containsExactly("b1", "b2");
        net.deliverAll();
        SyncReport p = bob.sync();
        assertThat(p.dropped()).isZero();
        assertThat(bob.pending()).isEmpty();
        assertThat(ids(bob)).containsExactly("b1", "b2");
        assertThat(bob.masterHead()).isEqualTo(3).isEqualTo(alice.masterHead());

        // And once more, across another restart of both sides.
        bob = restart(bob);
        bob.submit("add_note", new Note("b3", "third"));
        assertThat(seqs(bob)).containsExactly(3L);
        net.deliverAll();
        Peer alice2 = restart(alice);
        try {
          assertThat(alice2.sync().applied()).isEqualTo(1);
          assertThat(ids(alice2)).containsExactly("b1", "b2", "b3");
        } finally {
          alice2.close();
        }
      } finally {
        bob.close();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"kind\":\"action\",\"seq\":9,\"na",
      "{\"kind\":\"action\",\"seq\":3,\"name\":\"add_note\",\"params\":{\"id\":\"torn\",\"body\":\"x\"},"
          + "\"baseMasterSeq\":1}"})
  void aTornLastLineInAPeersOwnLogIsRemovedOnOpen(String torn) {
    net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    try (Peer alice = initialisedMaster()) {
      Peer bob = open("bob");
      View before;
      byte[] intact;
      try {
        bob.submit("add_note", new Note("b1", "x"));
        bob.submit("add_note", new Note("b2", "x"));
        before = view(bob);
        intact = bytes(ownLog("bob"));
      } finally {
        bob.close();
      }
      append(ownLog("bob"), torn); // a crash mid-append, while bob was down

      try (Peer reopened = open("bob")) {
        assertThat(view(reopened)).isEqualTo(before);
        assertThat(bytes(ownLog("bob"))).isEqualTo(intact);
        assertThat(ids(reopened)).containsExactly("b1", "b2");

        reopened.submit("add_note", new Note("b3", "x"));
        assertThat(seqs(reopened)).containsExactly(1L, 2L, 3L);
        assertThat(lines(ownLog("bob"))).hasSize(3);
        net.deliverAll();
        assertThat(alice.sync().applied()).isEqualTo(3);
        assertThat(ids(alice)).containsExactly("b1", "b2", "b3");
      }
    }
  }

  @Test
  void aTornLastLineInTheMasterLogIsRemovedOnOpen() {
    net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    Peer alice = open("alice");
    View before;
    byte[] intact;
    try {
      alice.submit("init", null);
      alice.submit("add_note", new Note("n1", "x"));
      before = view(alice);
      intact = bytes(ownLog("alice"));
    } finally {
      alice.close();
    }
    append(ownLog("alice"), "{\"kind\":\"action\",\"seq\":3,\"name\":\"add_no");

    try (Peer reopened = open("alice")) {
      assertThat(view(reopened)).isEqualTo(before);
      assertThat(bytes(ownLog("alice"))).isEqualTo(intact);
      reopened.submit("add_note", new Note("n2", "x"));
      assertThat(reopened.masterHead()).isEqualTo(3);
      assertThat(lines(ownLog("alice"))).hasSize(3);
      net.deliverAll();
      try (Peer bob = open("bob")) {
        assertThat(ids(bob)).containsExactly("n1", "n2");
      }
    }
  }

  @Test
  void aCrashBetweenWritingTheSnapshotAndTrimmingTheLogLeavesAConsistentCluster() throws IOException {
    net = new FileSyncer(dir, "alice", List.of("alice", "bob", "carol"));
    Peer alice = open("alice");
    try (Peer bob = open("bob")) {
      alice.submit("init", null);
      alice.submit("add_note", new Note("n1", "one"));
      alice.submit("add_note", new Note("n2", "two"));
      net.deliverAll();
      bob.sync(); // ack 3
      net.deliverAll();
      byte[] untrimmed = bytes(ownLog("alice"));
      View before = view(alice);

      assertThat(alice.sync().squashedTo()).hasValue(3);
      alice.close();
      // The crash: snapshot.db is new, the log never got its rewrite (only the ack was appended).
      Files.write(ownLog("alice"), untrimmed);
      append(ownLog("alice"), "{\"kind\":\"peer_ack\",\"peer\":\"bob\",\"masterSeq\":3}\n");

      alice = open("alice");
      assertThat(view(alice)).isEqualTo(before);
      alice.submit("add_note", new Note("n3", "three"));
      assertThat(alice.masterHead()).isEqualTo(4);
      net.deliverAll();
      try (Peer carol = open("carol")) {
        assertThat(ids(carol)).containsExactly("n1", "n2", "n3");
        assertThat(carol.masterHead()).isEqualTo(4);
      }
      bob.sync();
      assertThat(ids(bob)).containsExactly("n1", "n2", "n3");
      net.deliverAll();
      bob.sync();
      net.deliverAll();
      carolAcks();
      net.deliverAll();
      assertThat(alice.sync().squashedTo()).hasValue(4);
      assertThat(lines(ownLog("alice"))).containsExactly("{\"kind\":\"snapshot\",\"masterSeq\":4}");
      alice = restart(alice);
      assertThat(ids(alice)).containsExactly("n1", "n2", "n3");
    } finally {
      alice.close();
    }
  }

  private void carolAcks() {
    try (Peer carol = open("carol")) {
      carol.sync();
    }
  }
}
