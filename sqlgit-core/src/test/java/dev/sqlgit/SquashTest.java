package dev.sqlgit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.testing.FileBytes;
import dev.sqlgit.testing.FileSyncer;
import dev.sqlgit.testing.Notes;
import dev.sqlgit.testing.Notes.Note;
import dev.sqlgit.testing.Replicas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master's squash (SPEC §2): when, to which head, and what the files look like after it. */
class SquashTest {
  @TempDir Path dir;

  private static final ActionRegistry ACTIONS = Notes.actions();

  private static Peer open(FileSyncer net, String id) {
    return Replicas.open(net, id, ACTIONS);
  }

  private static List<String> masterLog(FileSyncer net) {
    return FileBytes.lines(net.logAt("alice", "alice"));
  }

  private static void addNotes(Peer alice, String... ids) {
    for (String id : ids) {
      alice.submit("add_note", new Note(id, "body of " + id));
    }
  }

  /** Reads snapshot.db with plain JDBC: its note ids and its recorded head. */
  private static Object[] readSnapshot(Path snapshot) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + snapshot);
        Statement s = c.createStatement()) {
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT id FROM notes ORDER BY id")) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      long head;
      try (ResultSet rs = s.executeQuery("SELECT value FROM _sqlgit_meta WHERE key = 'snapshot_head'")) {
        assertThat(rs.next()).as("snapshot_head row").isTrue();
        head = rs.getLong(1);
      }
      String journal;
      try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
        rs.next();
        journal = rs.getString(1);
      }
      return new Object[] {ids, head, journal};
    }
  }

  private static List<String> sidecars(Path root) throws IOException {
    try (Stream<Path> files = Files.list(root)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("snapshot.db") && !n.equals("snapshot.db"))
          .toList();
    }
  }

  @Test
  void squashesToTheMinimumAckOnceEveryPeerWithALogAcked() throws Exception {
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob", "carol"));
    try (Peer alice = open(net, "alice")) {
      alice.submit("init", null);
      addNotes(alice, "n1");
      net.deliverAll();
      try (Peer bob = open(net, "bob")) {
        bob.sync(); // acks 2
        addNotes(alice, "n2"); // head 3
        net.deliverAll();
        try (Peer carol = open(net, "carol")) {
          carol.sync(); // acks 3
          net.deliverAll();

          SyncReport report = alice.sync();

          assertThat(report).isEqualTo(new SyncReport(0, 0, 0, 0, 0, OptionalLong.of(2)));
          assertThat(alice.masterHead()).isEqualTo(3);
          assertThat(Notes.ids(alice)).containsExactly("n1", "n2");
          Path root = net.rootOf("alice");
          assertThat(root.resolve(FileSyncer.SNAPSHOT)).isRegularFile();
          assertThat(sidecars(root)).isEmpty();
          Object[] snap = readSnapshot(root.resolve(FileSyncer.SNAPSHOT));
          assertThat(snap[0]).isEqualTo(List.of("n1"));
          assertThat(snap[1]).isEqualTo(2L);
          assertThat(snap[2]).isNotEqualTo("wal");
          assertThat(sidecars(root)).isEmpty();

          List<String> log = masterLog(net);
          assertThat(log.get(0)).isEqualTo("{\"kind\":\"snapshot\",\"masterSeq\":2}");
          // Only entries above 2: the action seq 3 and carol's ack of 3 (bob's ack of 2 is gone).
          assertThat(log).hasSize(3);
          assertThat(log.get(1)).startsWith("{\"kind\":\"action\",\"seq\":3,");
          assertThat(log.get(2)).isEqualTo("{\"kind\":\"peer_ack\",\"peer\":\"carol\",\"masterSeq\":3}");

          // Nothing new: no second squash.
          assertThat(alice.sync()).isEqualTo(SyncReport.NOTHING);

          // Bob catches up to 3: the snapshot moves to 3 and the log keeps only the marker.
          net.deliverAll();
          bob.sync();
          net.deliverAll();
          assertThat(alice.sync().squashedTo()).hasValue(3);
          assertThat(masterLog(net)).containsExactly("{\"kind\":\"snapshot\",\"masterSeq\":3}");
          Object[] snap3 = readSnapshot(root.resolve(FileSyncer.SNAPSHOT));
          assertThat(snap3[0]).isEqualTo(List.of("n1", "n2"));
          assertThat(snap3[1]).isEqualTo(3L);
          assertThat(sidecars(root)).isEmpty();
          // Atomic writes leave no temp files behind.
          try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted())
                .containsExactly("peers/alice.jsonl", "peers/bob.jsonl", "peers/carol.jsonl", "snapshot.db");
          }

          // Peers read the squashed cluster fine.
          net.deliverAll();
          bob.sync();
          carol.sync();
          assertThat(Notes.ids(bob)).containsExactly("n1", "n2");
          assertThat(Notes.ids(carol)).containsExactly("n1", "n2");
          assertThat(bob.masterHead()).isEqualTo(3);
        }
      }
    }
  }

  @Test
  void squashKeepsOnlyPeerAcksAboveTheNewHead() {
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob", "carol"));
    try (Peer alice = open(net, "alice"); Peer bob = open(net, "bob"); Peer carol = open(net, "carol")) {
      alice.submit("init", null);
      addNotes(alice, "n1", "n2"); // head 3
      net.deliverAll();
      bob.sync(); // ack 3
      carol.sync(); // ack 3
      addNotes(alice, "n3", "n4"); // head 5
      net.deliverAll();
      carol.sync(); // ack 5
      net.deliverAll();

      assertThat(alice.sync().squashedTo()).hasValue(3);

      List<String> log = masterLog(net);
      assertThat(log.get(0)).isEqualTo("{\"kind\":\"snapshot\",\"masterSeq\":3}");
      assertThat(log.stream().filter(l -> l.contains("\"peer_ack\"")))
          .containsExactly("{\"kind\":\"peer_ack\",\"peer\":\"carol\",\"masterSeq\":5}");
      assertThat(log.stream().filter(l -> l.contains("\"kind\":\"action\"")))
          .hasSize(2)
          .allSatisfy(l -> assertThat(l).containsAnyOf("\"seq\":4,", "\"seq\":5,"));

      // The kept ack of carol still counts after a master restart: bob's ack of 5 alone is enough.
      alice.close();
      try (Peer alice2 = open(net, "alice")) {
        net.deliverAll();
        bob.sync(); // ack 5
        net.deliverAll();
        assertThat(alice2.sync().squashedTo()).hasValue(5);
        assertThat(masterLog(net)).containsExactly("{\"kind\":\"snapshot\",\"masterSeq\":5}");
      }
    }
  }

  @Test
  void aPeerWithALogThatNeverAckedHoldsTheSquash() {
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob", "carol"));
    try (Peer alice = open(net, "alice")) {
      alice.submit("init", null);
      addNotes(alice, "n1"); // head 2
      net.deliverAll();
      try (Peer bob = open(net, "bob"); Peer carol = open(net, "carol")) {
        carol.sync(); // ack 2; bob has a log (empty) and no ack
        net.deliverAll();

        SyncReport first = alice.sync();

        assertThat(first.squashedTo()).isEmpty();
        assertThat(net.rootOf("alice").resolve(FileSyncer.SNAPSHOT)).doesNotExist();
        assertThat(masterLog(net)).noneMatch(l -> l.contains("\"snapshot\""));
        assertThat(masterLog(net)).contains("{\"kind\":\"peer_ack\",\"peer\":\"carol\",\"masterSeq\":2}");

        // A pending action is not an ack either.
        bob.submit("add_note", new Note("b1", "from bob"));
        net.deliverAll();
        SyncReport second = alice.sync();
        assertThat(second.applied()).isEqualTo(1);
        assertThat(second.squashedTo()).isEmpty();
        assertThat(net.rootOf("alice").resolve(FileSyncer.SNAPSHOT)).doesNotExist();

        // Once bob acks, the squash goes to the minimum: carol's 2.
        net.deliverAll();
        bob.sync(); // ack 3
        net.deliverAll();
        assertThat(alice.sync().squashedTo()).hasValue(2);
      }
    }
  }

  @Test
  void aLateJoinerGetsTheFullStateFromSnapshotAndLog() {
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob", "dave"));
    try (Peer alice = open(net, "alice"); Peer bob = open(net, "bob")) {
      alice.submit("init", null);
      addNotes(alice, "n1", "n2"); // head 3
      net.deliverAll();
      bob.sync();
      bob.submit("add_note", new Note("b1", "from bob"));
      net.deliverAll();
      alice.sync(); // incorporates b1 as seq 4
      net.deliverAll();
      bob.sync(); // ack 4
      net.deliverAll();
      assertThat(alice.sync().squashedTo()).hasValue(4);
      addNotes(alice, "n3"); // seq 5, above the snapshot
      net.deliverAll(); // dave's root receives snapshot + log before dave ever runs

      try (Peer dave = open(net, "dave")) {
        assertThat(Notes.ids(dave)).containsExactly("b1", "n1", "n2", "n3");
        assertThat(dave.masterHead()).isEqualTo(5);
        assertThat(dave.pending()).isEmpty();
        assertThat(dave.db().query("SELECT * FROM notes ORDER BY id"))
            .isEqualTo(alice.db().query("SELECT * FROM notes ORDER BY id"));

        // Dave's own action reaches the master, and his fresh log holds the next squash.
        dave.submit("add_note", new Note("d1", "from dave"));
        net.deliverAll();
        SyncReport r = alice.sync();
        assertThat(r.applied()).isEqualTo(1);
        assertThat(r.squashedTo()).isEmpty();
        assertThat(Notes.ids(alice)).containsExactly("b1", "d1", "n1", "n2", "n3");
        net.deliverAll();
        dave.sync();
        bob.sync();
        assertThat(dave.pending()).isEmpty();
        assertThat(dave.masterHead()).isEqualTo(6);
        net.deliverAll();
        assertThat(alice.sync().squashedTo()).hasValue(6);
      }
    }
  }

  @Test
  void peersAndMasterRestartFineAfterASquash() {
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob"));
    Peer alice = open(net, "alice");
    Peer bob = open(net, "bob");
    try {
      alice.submit("init", null);
      addNotes(alice, "n1", "n2"); // head 3
      net.deliverAll();
      bob.sync(); // ack 3
      bob.submit("add_note", new Note("b1", "pending across the squash"));
      net.deliverAll();
      SyncReport r = alice.sync();
      assertThat(r.applied()).isEqualTo(1);
      assertThat(r.squashedTo()).hasValue(3);
      net.deliverAll();

      bob.close();
      bob = open(net, "bob");
      assertThat(Notes.ids(bob)).containsExactly("b1", "n1", "n2");
      assertThat(bob.pending()).extracting(PeerAction::name).containsExactly("add_note");
      assertThat(bob.masterHead()).isEqualTo(3);

      bob.sync();
      assertThat(bob.pending()).isEmpty();
      assertThat(bob.masterHead()).isEqualTo(4);
      bob.close();
      bob = open(net, "bob");
      assertThat(Notes.ids(bob)).containsExactly("b1", "n1", "n2");
      assertThat(bob.masterHead()).isEqualTo(4);

      List<String> logBefore = masterLog(net);
      alice.close();
      alice = open(net, "alice");
      assertThat(Notes.ids(alice)).containsExactly("b1", "n1", "n2");
      assertThat(alice.masterHead()).isEqualTo(4);
      assertThat(masterLog(net)).isEqualTo(logBefore);

      // The cluster keeps going: a new master action and a second squash.
      addNotes(alice, "n3");
      net.deliverAll();
      bob.sync();
      net.deliverAll();
      assertThat(alice.sync().squashedTo()).hasValue(5);
      net.deliverAll();
      bob.close();
      bob = open(net, "bob");
      assertThat(Notes.ids(bob)).containsExactly("b1", "n1", "n2", "n3");
      assertThat(bob.masterHead()).isEqualTo(5);
    } finally {
      alice.close();
      bob.close();
    }
  }

  @Test
  void theMasterAloneNeverSquashes() {
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice"));
    try (Peer alice = open(net, "alice")) {
      alice.submit("init", null);
      addNotes(alice, "n1");
      assertThat(alice.sync()).isEqualTo(SyncReport.NOTHING);
      assertThat(net.rootOf("alice").resolve(FileSyncer.SNAPSHOT)).doesNotExist();
      assertThat(masterLog(net)).hasSize(2);
    }
  }

  /**
   * The snapshot's own bookkeeping ({@code _sqlgit_meta}) belongs to the file, not to the state: an
   * action that reads the schema must see the same thing on every replica, before and after a
   * squash, a restart or a late join; otherwise replicas diverge.
   */
  @Test
  void snapshotBookkeepingIsInvisibleToActionsAndReads() {
    ActionRegistry actions = ActionRegistry.builder()
        .action("init", (db, p) -> db.exec("CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT)"))
        .action("add_note", Note.class, (db, n) -> db.exec("INSERT INTO notes VALUES (?, ?)", n.id(), n.body()))
        .action("count_tables", Note.class, (db, n) -> db.exec(
            "INSERT INTO notes VALUES (?, (SELECT count(*) FROM sqlite_schema WHERE type = 'table'))", n.id()))
        .build();
    FileSyncer net = new FileSyncer(dir, "alice", List.of("alice", "bob", "dave"));
    java.util.function.Function<String, Peer> open = id -> Replicas.open(net, id, actions);
    String schema = "SELECT type, name FROM sqlite_schema ORDER BY name";
    String rows = "SELECT * FROM notes ORDER BY id";
    Peer alice = open.apply("alice");
    try (Peer bob = open.apply("bob")) {
      alice.submit("init", null);
      alice.submit("add_note", new Note("n1", "one"));
      net.deliverAll();
      bob.sync();
      net.deliverAll();
      assertThat(alice.sync().squashedTo()).hasValue(2);
      alice.submit("count_tables", new Note("c1", null)); // seq 3, on top of the snapshot
      List<Row> schemaBefore = alice.db().query(schema);
      List<Row> rowsBefore = alice.db().query(rows);
      assertThat(alice.db().one("SELECT body FROM notes WHERE id = 'c1'", Long.class)).contains(1L);
      net.deliverAll();

      bob.sync();
      assertThat(bob.db().query(rows)).as("bob replays seq 3 on the snapshot").isEqualTo(rowsBefore);
      assertThat(bob.db().query(schema)).as("bob's schema").isEqualTo(schemaBefore);
      try (Peer dave = open.apply("dave")) {
        assertThat(dave.db().query(rows)).as("late joiner's rows").isEqualTo(rowsBefore);
        assertThat(dave.db().query(schema)).as("late joiner's schema").isEqualTo(schemaBefore);
      }
      alice.close();
      alice = open.apply("alice");
      assertThat(alice.db().query(rows)).as("master's rows after a restart").isEqualTo(rowsBefore);
      assertThat(alice.db().query(schema)).as("master's schema after a restart").isEqualTo(schemaBefore);
    } finally {
      alice.close();
    }
  }
}
