package dev.sqlgit.internal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The journal survives the rollback of the transaction that created it (regression). */
class UndoJournalTest {
  @Test
  void aJournalCreatedInsideARolledBackTransactionKeepsWorking() throws Exception {
    try (SqliteDb db = SqliteDb.openMemory("j")) {
      db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
      db.exec("BEGIN");
      UndoJournal journal = new UndoJournal(db); // creates its TEMP tables inside the transaction
      db.exec("ROLLBACK"); // ... which takes them away again
      Tracker tracker = new Tracker(db);
      assertThat(journal.canUndoAfter(0)).isTrue();
      journal.begin(1);
      db.savepoint(() -> tracker.track(() -> db.exec("INSERT INTO t(v) VALUES ('x')"), false));
      journal.end();
      assertThat(journal.size()).isEqualTo(1);
      journal.undoAfter(0);
      assertThat(db.one("SELECT count(*) FROM t", Long.class)).contains(0L);
    }
  }
}
