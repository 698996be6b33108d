package dev.sqlgit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqlgit.testing.FileSyncer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema as code: migrations declared in the registry apply at the same point of history on every
 * replica; entries carry their author's schema version; older code stops with a clear error and
 * changes nothing; newer code applies older entries normally.
 */
class SchemaEvolutionTest {
  @TempDir Path dir;

  record Note(String id, String body) {}

  record Pin(String id) {}

  /** Version 1 of the application: notes. */
  static ActionRegistry v1() {
    return ActionRegistry.builder()
        .migration(1, "notes", "CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT NOT NULL)")
        .action("add_note", Note.class, (db, n) -> db.exec("INSERT INTO notes VALUES (?, ?)", n.id(), n.body()))
        .build();
  }

  /** Version 2: notes can be pinned. */
  static ActionRegistry v2() {
    return ActionRegistry.builder()
        .migration(1, "notes", "CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT NOT NULL)")
        .migration(2, "notes", "ALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0")
        .action("add_note", Note.class, (db, n) -> db.exec("INSERT INTO notes(id, body) VALUES (?, ?)", n.id(), n.body()))
        .action("pin", Pin.class, (db, p) -> db.exec("UPDATE notes SET pinned = 1 WHERE id = ?", p.id()))
        .build();
  }


  private FileSyncer net() {
    return new FileSyncer(dir, "m", List.of("m", "old", "new"));
  }

  private Peer open(String id, ActionRegistry actions) {
    return Peer.open(PeerOptions.builder().root(net().rootOf(id)).peerId(id).masterId("m").actions(actions).build());
  }

  @Test
  void entriesCarryTheirAuthorsSchemaVersionAndMigrationsRunBeforeTheFirstEntryThatNeedsThem() throws Exception {
    try (Peer m = open("m", v2()); Peer newer = open("new", v2())) {
      m.submit("add_note", new Note("n1", "hello"));
      assertThat(lines("m", "m")).anySatisfy(l -> assertThat(l).contains("\"schema\":2"));
      assertThat(m.db().query("SELECT version FROM _sqlgit_schema ORDER BY version", Long.class)).containsExactly(1L, 2L);
      net().deliverAll();
      newer.sync();
      newer.submit("pin", new Pin("n1"));
      assertThat(newer.pending().get(0).schema()).isEqualTo(2);
      assertThat(newer.db().one("SELECT pinned FROM notes WHERE id = 'n1'", Long.class)).contains(1L);
      net().deliverAll();
      m.sync();
      assertThat(m.db().one("SELECT pinned FROM notes WHERE id = 'n1'", Long.class)).contains(1L);
    }
  }

  @Test
  void olderCodeStopsWithSchemaTooNewAndChangesNothingThenCatchesUpAfterAnUpgrade() throws Exception {
    try (Peer m = open("m", v2())) {
      m.submit("add_note", new Note("n1", "hello"));
    }
    // The master log already needs version 2: a new replica on old code cannot even open.
    net().deliverAll();
    assertThatThrownBy(() -> open("old", v1()))
        .isInstanceOf(SchemaTooNewException.class)
        .hasMessageContaining("upgrade the application")
        .satisfies(e -> {
          assertThat(((SchemaTooNewException) e).required()).isEqualTo(2);
          assertThat(((SchemaTooNewException) e).known()).isEqualTo(1);
        });
    try (Peer upgraded = open("old", v2())) {
      assertThat(upgraded.db().query("SELECT id FROM notes", String.class)).containsExactly("n1");
    }
  }

  @Test
  void oldCodeStopsAtSyncAndChangesNothing() throws Exception {
    try (Peer m = open("m", v1()); Peer old = open("old", v1()); Peer newer = open("new", v2())) {
      m.submit("add_note", new Note("n1", "hello"));
      net().deliverAll();
      old.sync();
      newer.sync();
      old.submit("add_note", new Note("n2", "offline"));
      newer.submit("pin", new Pin("n1"));
      net().deliverAll();
      // A master on old code refuses before incorporating anyone (sorted: "new" < "old").
      Path masterLog = net().rootOf("m").resolve(FileSyncer.logOf("m"));
      byte[] before = Files.readAllBytes(masterLog);
      assertThatThrownBy(m::sync).isInstanceOf(SchemaTooNewException.class);
      assertThat(Files.readAllBytes(masterLog)).isEqualTo(before);
      assertThat(m.masterHead()).isEqualTo(1);
    }
    try (Peer m = open("m", v2())) {
      assertThat(m.sync().applied()).isEqualTo(2); // the upgraded master takes both
    }
    net().deliverAll();
    try (Peer old = open("old", v1())) {
      // Its pending work sits on seq 1, which old code can rebuild; the rebase needs seq 2.
      Path ownLog = net().rootOf("old").resolve(FileSyncer.logOf("old"));
      byte[] before = Files.readAllBytes(ownLog);
      List<String> notes = old.db().query("SELECT id FROM notes ORDER BY id", String.class);
      assertThatThrownBy(old::sync).isInstanceOf(SchemaTooNewException.class);
      assertThat(Files.readAllBytes(ownLog)).isEqualTo(before);
      assertThat(old.db().query("SELECT id FROM notes ORDER BY id", String.class)).isEqualTo(notes);
      assertThat(old.pending()).hasSize(1);
      assertThat(old.masterHead()).isEqualTo(1);
    }
    try (Peer upgraded = open("old", v2()); Peer m = open("m", v2())) {
      upgraded.sync();
      assertThat(upgraded.pending()).isEmpty();
      assertThat(upgraded.db().query("SELECT id, body, pinned FROM notes ORDER BY id"))
          .isEqualTo(m.db().query("SELECT id, body, pinned FROM notes ORDER BY id"));
    }
  }

  @Test
  void newerCodeAppliesOlderEntriesNormally() throws Exception {
    try (Peer m = open("m", v1())) {
      m.submit("add_note", new Note("n1", "written by v1"));
    }
    net().deliverAll();
    try (Peer newer = open("new", v2())) {
      assertThat(newer.db().query("SELECT version FROM _sqlgit_schema", Long.class))
          .as("only what the entries needed so far").containsExactly(1L);
      newer.submit("pin", new Pin("n1"));
      assertThat(newer.db().one("SELECT pinned FROM notes WHERE id = 'n1'", Long.class)).contains(1L);
    }
  }

  @Test
  void aMigrationEditedAfterASnapshotPinnedItIsRefused() {
    try (Peer m = open("m", v1()); Peer p = open("new", v1())) {
      m.submit("add_note", new Note("n1", "hello"));
      net().deliverAll();
      p.sync(); // acks seq 1
      net().deliverAll();
      assertThat(m.sync().squashedTo()).hasValue(1); // snapshot.db now records migration 1's SQL
    }
    ActionRegistry edited = ActionRegistry.builder()
        .migration(1, "notes", "CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT)")
        .action("add_note", Note.class, (db, n) -> db.exec("INSERT INTO notes VALUES (?, ?)", n.id(), n.body()))
        .build();
    assertThatThrownBy(() -> open("m", edited))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("migration 1 of feature 'notes' was edited");
  }

  /**
   * A migration applied just before an action that then fails is rolled back with it, and the
   * next action applies it again: one that only changes rows (no DDL) included.
   */
  @Test
  void migrationsRolledBackWithAFailedActionAreAppliedAgain() {
    ActionRegistry actions = ActionRegistry.builder()
        .migration(1, "counters", "CREATE TABLE counters(name TEXT PRIMARY KEY, n INTEGER NOT NULL)")
        .migration(2, "counters", "INSERT INTO counters VALUES ('seed', 1)")
        .action("bump", Note.class, (db, n) -> db.exec("UPDATE counters SET n = n + 1 WHERE name = ?", n.id()))
        .action("boom", Note.class, (db, n) -> {
          throw new IllegalStateException("boom");
        })
        .build();
    for (String id : List.of("m", "new")) { // a master's submit, a peer's batch
      try (Peer p = open(id, actions)) {
        assertThatThrownBy(() -> p.submit("boom", new Note("x", "y"))).isInstanceOf(ActionFailedException.class);
        p.submit("bump", new Note("seed", ""));
        p.submit("bump", new Note("seed", ""));
        assertThat(p.db().one("SELECT n FROM counters WHERE name = 'seed'", Long.class)).as(id).contains(3L);
        assertThat(p.db().one("SELECT count(*) FROM _sqlgit_schema", Long.class)).as(id).contains(2L);
      }
    }
  }

  @Test
  void migrationVersionsMustRunInOrder() {
    assertThatThrownBy(() -> ActionRegistry.builder().migration(2, "x", "CREATE TABLE x(a)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 1");
  }

  private List<String> lines(String replica, String owner) throws Exception {
    return Files.readAllLines(net().rootOf(replica).resolve(FileSyncer.logOf(owner)));
  }
}
