package dev.sqlgit;

import static dev.sqlgit.testing.FileBytes.append;
import static dev.sqlgit.testing.FileBytes.bytes;
import static dev.sqlgit.testing.FileBytes.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sqlgit.testing.FileSyncer;
import dev.sqlgit.testing.Notes;
import dev.sqlgit.testing.Notes.Note;
import dev.sqlgit.testing.Replicas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cluster root as a file syncer delivers it (SPEC §1–2): snapshot lag, half-written lines,
 * foreign files, malformed lines, and the exact JSON of every entry kind.
 */
class FileSyncTest {
  @TempDir Path dir;

  private static final ActionRegistry ACTIONS = Notes.actions();

  private static Peer open(FileSyncer net, String id) {
    return Replicas.open(net, id, ACTIONS);
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every file under {@code root} with its bytes, to prove nothing was touched. */
  private static Map<String, String> tree(Path root) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(Files::isRegularFile)
          .forEach(f -> out.put(root.relativize(f).toString(), java.util.Arrays.toString(bytes(f))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** alice submits init (seq 1), everything is delivered, and bob syncs: his log starts with its ack. */
  private static void initAndLetBobAck(FileSyncer net, Peer alice, Peer bob) {
    alice.submit("init", null);
    net.deliverAll();
    bob.sync();
  }

  /**
   * alice squashes to 2 (bob acked 2); bob then has a pending action and alice a new action 3. Bob's
   * root has not received anything since his ack.
   */
  private void squashedClusterWithBobPending(FileSyncer net, Peer alice, Peer bob) {
    alice.submit("init", null);
    alice.submit("add_note", new Note("n1", "one"));
    net.deliverAll();
    bob.sync(); // ack 2
    net.deliverAll();
    assertThat(alice.sync().squashedTo()).hasValue(2);
    bob.submit("add_note", new Note("b1", "bob's"));
    alice.submit("add_note", new Note("n2", "two"));
  }

  // ---------------------------------------------------------------- FileSyncLagException

  @Test
  void syncThrowsFileSyncLagWhenTheSquashedLogArrivesBeforeTheSnapshot() {
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    try (Peer alice = open(net, "alice"); Peer bob = open(net, "bob")) {
      squashedClusterWithBobPending(net, alice, bob);
      net.deliver(FileSyncer.logOf("alice"), "bob"); // the log, not snapshot.db

      byte[] ownLog = bytes(net.logAt("bob", "bob"));
      List<Row> state = bob.db().query("SELECT * FROM notes ORDER BY id");
      List<PeerAction> pending = bob.pending();
      long head = bob.masterHead();

      FileSyncLagException lag = catchThrowableOfType(FileSyncLagException.class, bob::sync);
      assertThat(lag).isNotNull();
      assertThat(lag.snapshotHead()).isZero();
      assertThat(lag.declaredHead()).isEqualTo(2);
      assertThatThrownBy(() -> bob.sync(ctx -> Resolution.DROP)).isInstanceOf(FileSyncLagException.class);

      assertThat(bytes(net.logAt("bob", "bob"))).isEqualTo(ownLog);
      assertThat(bob.db().query("SELECT * FROM notes ORDER BY id")).isEqualTo(state);
      assertThat(bob.pending()).isEqualTo(pending);
      assertThat(bob.masterHead()).isEqualTo(head);

      net.deliver(FileSyncer.SNAPSHOT, "bob");
      SyncReport report = bob.sync();
      assertThat(report.applied()).isEqualTo(1);
      assertThat(Notes.ids(bob)).containsExactly("b1", "n1", "n2");
      assertThat(bob.masterHead()).isEqualTo(3);

      // A second squash while bob holds the first snapshot: lag from 2 to 4.
      net.deliverAll();
      alice.sync(); // b1 becomes 4, squash to bob's ack 3
      net.deliverAll();
      bob.sync(); // ack 4
      net.deliverAll();
      assertThat(alice.sync().squashedTo()).hasValue(4);
      net.deliver(FileSyncer.logOf("alice"), "bob");
      FileSyncLagException again = catchThrowableOfType(FileSyncLagException.class, bob::sync);
      assertThat(again).isNotNull();
      assertThat(again.snapshotHead()).isEqualTo(3);
      assertThat(again.declaredHead()).isEqualTo(4);
      net.deliver(FileSyncer.SNAPSHOT, "bob");
      assertThat(bob.sync()).isEqualTo(SyncReport.NOTHING);
      assertThat(bob.masterHead()).isEqualTo(4);
    }
  }

  @Test
  void openThrowsFileSyncLagWhenTheSquashedLogArrivesBeforeTheSnapshot() {
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    try (Peer alice = open(net, "alice")) {
      try (Peer bob = open(net, "bob")) {
        squashedClusterWithBobPending(net, alice, bob);
      }
      net.deliver(FileSyncer.logOf("alice"), "bob");
      Map<String, String> before = tree(net.rootOf("bob"));

      FileSyncLagException lag =
          catchThrowableOfType(FileSyncLagException.class, () -> open(net, "bob").close());

      assertThat(lag).isNotNull();
      assertThat(lag.snapshotHead()).isZero();
      assertThat(lag.declaredHead()).isEqualTo(2);
      assertThat(tree(net.rootOf("bob"))).isEqualTo(before);

      net.deliver(FileSyncer.SNAPSHOT, "bob");
      try (Peer bob = open(net, "bob")) {
        assertThat(Notes.ids(bob)).containsExactly("b1", "n1");
        assertThat(bob.pending()).extracting(a -> a.params().get("id").asText()).containsExactly("b1");
        bob.sync();
        assertThat(Notes.ids(bob)).containsExactly("b1", "n1", "n2");
      }
    }
  }

  // ---------------------------------------------------------------- half-written lines

  @ParameterizedTest
  @ValueSource(ints = {1, 10, 40})
  void theMasterIncorporatesOnlyCompleteLinesOfAPeerLogDeliveredMidLine(int cut) {
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    try (Peer alice = open(net, "alice"); Peer bob = open(net, "bob")) {
      initAndLetBobAck(net, alice, bob);
      bob.submit("add_note", new Note("b1", "first"));
      bob.submit("add_note", new Note("b2", "second"));
      bob.submit("add_note", new Note("b3", "third, with a body long enough to be cut in the middle"));

      net.deliverPartial(FileSyncer.logOf("bob"), "alice", cut);
      byte[] delivered = bytes(net.logAt("alice", "bob"));
      assertThat(delivered[delivered.length - 1]).isNotEqualTo((byte) '\n');

      SyncReport partial = alice.sync();

      assertThat(partial.applied()).isEqualTo(2);
      assertThat(Notes.ids(alice)).containsExactly("b1", "b2");
      assertThat(bytes(net.logAt("alice", "bob"))).isEqualTo(delivered);

      net.deliver(FileSyncer.logOf("bob"), "alice");
      SyncReport rest = alice.sync();

      assertThat(rest.applied()).isEqualTo(1);
      assertThat(Notes.ids(alice)).containsExactly("b1", "b2", "b3");
      assertThat(alice.masterHead()).isEqualTo(4);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 10, 40})
  void aPeerIntegratesOnlyCompleteLinesOfAMasterLogDeliveredMidLine(int cut) {
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    try (Peer alice = open(net, "alice"); Peer bob = open(net, "bob")) {
      initAndLetBobAck(net, alice, bob);
      alice.submit("add_note", new Note("n1", "first"));
      alice.submit("add_note", new Note("n2", "second"));
      alice.submit("add_note", new Note("n3", "third, with a body long enough to be cut in the middle"));

      net.deliverPartial(FileSyncer.logOf("alice"), "bob", cut);
      byte[] delivered = bytes(net.logAt("bob", "alice"));

      bob.sync();

      assertThat(bob.masterHead()).isEqualTo(3);
      assertThat(Notes.ids(bob)).containsExactly("n1", "n2");
      assertThat(bytes(net.logAt("bob", "alice"))).isEqualTo(delivered);

      // Opening on the half-delivered log works the same way.
      bob.close();
      try (Peer reopened = open(net, "bob")) {
        assertThat(reopened.masterHead()).isEqualTo(3);
        assertThat(Notes.ids(reopened)).containsExactly("n1", "n2");

        net.deliver(FileSyncer.logOf("alice"), "bob");
        reopened.sync();
        assertThat(reopened.masterHead()).isEqualTo(4);
        assertThat(Notes.ids(reopened)).containsExactly("n1", "n2", "n3");
      }
    }
  }

  // ---------------------------------------------------------------- foreign files

  @Test
  void foreignFilesInPeersAreIgnored() {
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    try (Peer alice = open(net, "alice"); Peer bob = open(net, "bob")) {
      initAndLetBobAck(net, alice, bob);
      bob.submit("add_note", new Note("b1", "real"));
      net.deliverAll();

      String ghost =
          "{\"kind\":\"action\",\"seq\":7,\"name\":\"add_note\",\"params\":{\"id\":\"ghost\",\"body\":\"x\"},"
              + "\"baseMasterSeq\":1}\n";
      Path peers = net.rootOf("alice").resolve("peers");
      write(peers.resolve("bob.sync-conflict-20240101-123456-ABCDEF.jsonl"), ghost);
      write(peers.resolve("carol.sync-conflict-20240101-123456-ABCDEF.jsonl"), ""); // would hold the squash
      write(peers.resolve("notes.txt"), "not a log at all\n");
      write(peers.resolve(".bob.jsonl.tmp"), ghost + "garbage\n");
      write(peers.resolve(".carol.jsonl"), ghost);
      write(peers.resolve("Bob Smith.jsonl"), ghost);
      write(net.rootOf("alice").resolve("stray.jsonl"), ghost);
      Map<String, String> foreignBefore = tree(peers);
      foreignBefore.keySet().removeIf(k -> k.equals("alice.jsonl") || k.equals("bob.jsonl"));

      SyncReport report = alice.sync();

      assertThat(report.applied()).isEqualTo(1);
      assertThat(Notes.ids(alice)).containsExactly("b1");

      net.deliverAll();
      bob.sync(); // ack 2
      net.deliverAll();
      assertThat(alice.sync().squashedTo()).hasValue(2);

      Map<String, String> foreignAfter = tree(peers);
      foreignAfter.keySet().removeIf(k -> k.equals("alice.jsonl") || k.equals("bob.jsonl"));
      assertThat(foreignAfter).isEqualTo(foreignBefore);

      // On a peer, foreign copies of the master log are ignored as well.
      Path bobPeers = net.rootOf("bob").resolve("peers");
      write(bobPeers.resolve("alice.sync-conflict-20240101-123456-ABCDEF.jsonl"), "garbage\n");
      write(bobPeers.resolve(".alice.jsonl.tmp"), "{\"kind\":\"snapshot\",\"masterSeq\":99}\n");
      alice.submit("add_note", new Note("n2", "after"));
      net.deliverAll();
      bob.sync();
      assertThat(Notes.ids(bob)).containsExactly("b1", "n2");
      assertThat(bob.masterHead()).isEqualTo(3);
    }
  }

  // ---------------------------------------------------------------- malformed lines

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"kind\":\"action\",\"seq\":",
      "not json at all",
      "[1,2,3]",
      "{\"kind\":\"mystery\",\"seq\":2}",
      "{\"kind\":\"action\",\"seq\":2,\"params\":{},\"baseMasterSeq\":1}",
      "{\"kind\":\"action\",\"seq\":-2,\"name\":\"add_note\",\"params\":{},\"baseMasterSeq\":1}",
      "{\"kind\":\"master_ack\",\"masterSeq\":\"one\"}"})
  void aMalformedCompleteLineInAPeerLogFailsTheMasterSyncAndIsKept(String bad) {
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    try (Peer alice = open(net, "alice"); Peer bob = open(net, "bob")) {
      initAndLetBobAck(net, alice, bob); // line 1: the ack
      bob.submit("add_note", new Note("b1", "fine")); // line 2
      net.deliver(FileSyncer.logOf("bob"), "alice");
      Path bobAtAlice = net.logAt("alice", "bob");
      append(bobAtAlice, bad + "\n");
      append(bobAtAlice,
          "{\"kind\":\"action\",\"seq\":3,\"name\":\"add_note\",\"params\":{\"id\":\"b3\",\"body\":\"after\"},"
              + "\"baseMasterSeq\":1}\n");
      byte[] before = bytes(bobAtAlice);

      for (int attempt = 0; attempt < 2; attempt++) {
        assertThatThrownBy(alice::sync)
            .isInstanceOf(IntegrityException.class)
            .hasMessageContaining("bob.jsonl")
            .hasMessageContaining("line 3");
        assertThat(bytes(bobAtAlice)).isEqualTo(before);
        assertThat(Notes.ids(alice)).doesNotContain("b3");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"kind\":\"action\",\"seq\":",
      "{\"kind\":\"mystery\"}",
      "{\"kind\":\"action\",\"seq\":3,\"name\":\"add_note\",\"params\":{\"id\":\"x\",\"body\":\"x\"}}",
      "{\"kind\":\"action\",\"seq\":5,\"name\":\"add_note\",\"params\":{\"id\":\"x\",\"body\":\"x\"},"
          + "\"source\":{\"peer\":\"alice\",\"seq\":5}}",
      "{\"kind\":\"snapshot\",\"masterSeq\":1}"})
  void aMalformedCompleteLineInTheMasterLogFailsThePeerSyncAndOpen(String bad) {
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    try (Peer alice = open(net, "alice")) {
      alice.submit("init", null);
      alice.submit("add_note", new Note("n1", "one"));
      net.deliverAll();
      Peer bob = open(net, "bob");
      try {
        bob.submit("add_note", new Note("b1", "pending"));
        Path masterAtBob = net.logAt("bob", "alice");
        append(masterAtBob, bad + "\n");
        Path ownLog = net.logAt("bob", "bob");
        byte[] masterBefore = bytes(masterAtBob);
        byte[] ownBefore = bytes(ownLog);
        List<Row> state = bob.db().query("SELECT * FROM notes ORDER BY id");

        assertThatThrownBy(bob::sync)
            .isInstanceOf(IntegrityException.class)
            .hasMessageContaining("alice.jsonl")
            .hasMessageContaining("line 3");

        assertThat(bytes(masterAtBob)).isEqualTo(masterBefore);
        assertThat(bytes(ownLog)).isEqualTo(ownBefore);
        assertThat(bob.db().query("SELECT * FROM notes ORDER BY id")).isEqualTo(state);
        assertThat(bob.pending()).hasSize(1);

        bob.close();
        assertThatThrownBy(() -> open(net, "bob").close())
            .isInstanceOf(IntegrityException.class)
            .hasMessageContaining("alice.jsonl")
            .hasMessageContaining("line 3");
        assertThat(bytes(masterAtBob)).isEqualTo(masterBefore);
        assertThat(bytes(ownLog)).isEqualTo(ownBefore);
      } finally {
        bob.close();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice", "bob"})
  void aMalformedCompleteLineInTheOwnLogFailsOpenAndIsKept(String who) {
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    try (Peer alice = open(net, "alice")) {
      alice.submit("init", null);
      net.deliverAll();
      try (Peer bob = open(net, "bob")) {
        bob.submit("add_note", new Note("b1", "x"));
      }
    }
    Path own = net.logAt(who, who);
    append(own, "{\"kind\":\"action\",\"seq\":\n");
    byte[] before = bytes(own);

    assertThatThrownBy(() -> open(net, who).close())
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining(who + ".jsonl")
        .hasMessageContaining("line 2");
    assertThat(bytes(own)).isEqualTo(before);
  }

  @Test
  void paramsWithLineBreaksAndUnicodeTravelThroughTheLogs() {
    String body = "line one\nline two\r\nthree\u2028four\u0000five \"quoted\" \\ é 日本 😀";
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    try (Peer alice = open(net, "alice"); Peer bob = open(net, "bob")) {
      initAndLetBobAck(net, alice, bob);
      bob.submit("add_note", new Note("b1", body));
      assertThat(lines(net.logAt("bob", "bob"))).hasSize(2);
      net.deliverAll();
      assertThat(alice.sync().applied()).isEqualTo(1);
      assertThat(alice.db().one("SELECT body FROM notes WHERE id = 'b1'", String.class)).contains(body);
      alice.submit("add_note", new Note("n2", body));
      net.deliverAll();
      bob.sync();
      assertThat(bob.db().query("SELECT body FROM notes ORDER BY id", String.class)).containsExactly(body, body);
    }
    try (Peer bob = open(net, "bob"); Peer alice = open(net, "alice")) {
      assertThat(bob.db().query("SELECT body FROM notes ORDER BY id", String.class)).containsExactly(body, body);
      assertThat(alice.db().query("SELECT body FROM notes ORDER BY id", String.class)).containsExactly(body, body);
    }
  }

  // ---------------------------------------------------------------- entry formats

  @Test
  void everyEntryKindHasTheExactSpecJson() {
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob", "carol"));
    try (Peer alice = open(net, "alice"); Peer bob = open(net, "bob"); Peer carol = open(net, "carol")) {
      Path masterLog = net.logAt("alice", "alice");
      Path bobLog = net.logAt("bob", "bob");
      alice.submit("init", null);
      alice.submit("add_note", new Note("n1", "base"));
      net.deliverAll();
      bob.sync();
      assertThat(lines(bobLog)).containsExactly("{\"kind\":\"master_ack\",\"masterSeq\":2,\"lastSeq\":0}");

      alice.submit("edit_note", new Note("n1", "alice"));
      bob.submit("edit_note", new Note("n1", "bob"));
      assertThat(lines(bobLog)).containsExactly(
          "{\"kind\":\"master_ack\",\"masterSeq\":2,\"lastSeq\":0}",
          "{\"kind\":\"action\",\"seq\":1,\"name\":\"edit_note\",\"params\":{\"id\":\"n1\",\"body\":\"bob\"},"
              + "\"baseMasterSeq\":2}");

      net.deliverAll();
      SyncReport forced = bob.sync(ctx -> {
        assertThat(ctx.kind()).isEqualTo(ConflictKind.NON_COMMUTATIVE);
        return Resolution.FORCE;
      });
      assertThat(forced.forced()).isEqualTo(1);
      assertThat(lines(bobLog)).containsExactly(
          "{\"kind\":\"action\",\"seq\":1,\"name\":\"edit_note\",\"params\":{\"id\":\"n1\",\"body\":\"bob\"},"
              + "\"baseMasterSeq\":3,\"force\":true}",
          "{\"kind\":\"master_ack\",\"masterSeq\":3,\"lastSeq\":1}");

      bob.submit("add_note", new Note("b2", "two"));
      net.deliverAll();
      SyncReport m = alice.sync();
      assertThat(m.applied()).isEqualTo(2);
      assertThat(m.forced()).isEqualTo(1);
      assertThat(m.squashedTo()).isEmpty(); // carol has a log and no ack
      assertThat(lines(masterLog)).containsExactly(
          "{\"kind\":\"action\",\"seq\":1,\"name\":\"init\",\"params\":null,\"source\":{\"peer\":\"alice\",\"seq\":1}}",
          "{\"kind\":\"action\",\"seq\":2,\"name\":\"add_note\",\"params\":{\"id\":\"n1\",\"body\":\"base\"},"
              + "\"source\":{\"peer\":\"alice\",\"seq\":2}}",
          "{\"kind\":\"action\",\"seq\":3,\"name\":\"edit_note\",\"params\":{\"id\":\"n1\",\"body\":\"alice\"},"
              + "\"source\":{\"peer\":\"alice\",\"seq\":3}}",
          "{\"kind\":\"action\",\"seq\":4,\"name\":\"edit_note\",\"params\":{\"id\":\"n1\",\"body\":\"bob\"},"
              + "\"source\":{\"peer\":\"bob\",\"seq\":1},\"forced\":true}",
          "{\"kind\":\"peer_ack\",\"peer\":\"bob\",\"masterSeq\":3}",
          "{\"kind\":\"action\",\"seq\":5,\"name\":\"add_note\",\"params\":{\"id\":\"b2\",\"body\":\"two\"},"
              + "\"source\":{\"peer\":\"bob\",\"seq\":2}}");

      net.deliverAll();
      bob.sync();
      carol.sync();
      assertThat(lines(bobLog)).containsExactly("{\"kind\":\"master_ack\",\"masterSeq\":5,\"lastSeq\":2}");
      net.deliverAll();
      assertThat(alice.sync().squashedTo()).hasValue(5);
      assertThat(lines(masterLog)).containsExactly("{\"kind\":\"snapshot\",\"masterSeq\":5}");
      assertThat(Notes.ids(alice)).containsExactly("b2", "n1");
      assertThat(alice.db().one("SELECT body FROM notes WHERE id = 'n1'", String.class)).contains("bob");
    }
  }
}
