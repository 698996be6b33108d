package dev.sqlgit.internal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Undoing the journal reaches exactly the earlier state, on a schema built to make it hard:
 * triggers that keep balances and write an audit table, ON DELETE CASCADE, a WITHOUT ROWID table
 * with blobs whose keys change, and rowid tables without a declared key. Compared with an image
 * saved at each step, rowids included.
 */
class UndoJournalProperties {
  static final String SCHEMA =
      "CREATE TABLE acc(id TEXT PRIMARY KEY, bal INTEGER NOT NULL DEFAULT 0 CHECK (bal >= 0));"
          + "CREATE TABLE tx(id INTEGER PRIMARY KEY, acc TEXT NOT NULL REFERENCES acc(id) ON DELETE CASCADE,"
          + " amt INTEGER NOT NULL);"
          + "CREATE TABLE audit(n INTEGER, note TEXT);"
          + "CREATE TABLE kv(k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;"
          + "CREATE TABLE loose(x REAL, y TEXT);"
          + "CREATE TRIGGER tx_in AFTER INSERT ON tx BEGIN UPDATE acc SET bal = bal + NEW.amt WHERE id = NEW.acc; END;"
          + "CREATE TRIGGER tx_out AFTER DELETE ON tx BEGIN UPDATE acc SET bal = bal - OLD.amt WHERE id = OLD.acc;"
          + " INSERT INTO audit VALUES (OLD.id, 'deleted ' || OLD.acc); END;"
          + "CREATE TRIGGER tx_edit AFTER UPDATE OF amt ON tx BEGIN"
          + " UPDATE acc SET bal = bal - OLD.amt + NEW.amt WHERE id = NEW.acc; END;";

  record Op(int kind, int a, int b) {}

  @Provide
  Arbitrary<List<List<Op>>> steps() {
    Arbitrary<Op> op = Combinators.combine(
            Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 4), Arbitraries.integers().between(-3, 9))
        .as(Op::new);
    return op.list().ofMinSize(1).ofMaxSize(5).list().ofMinSize(1).ofMaxSize(12);
  }

  @Property
  void undoingReachesExactlyEachEarlierState(@ForAll("steps") List<List<Op>> steps, @ForAll long seed) throws Exception {
    try (SqliteDb db = SqliteDb.openMemory("undo")) {
      db.execScript(SCHEMA);
      Tracker tracker = new Tracker(db);
      UndoJournal journal = new UndoJournal(db);
      Map<Integer, Map<String, List<Row>>> images = new HashMap<>();
      images.put(0, dump(db));
      for (int s = 1; s <= steps.size(); s++) {
        journal.begin(s);
        for (Op op : steps.get(s - 1)) {
          db.savepoint(() -> tracker.track(() -> run(db, op), false)).getClass();
        }
        journal.end();
        images.put(s, dump(db));
      }
      java.util.Random random = new java.util.Random(seed);
      int at = steps.size();
      while (at > 0) {
        int target = random.nextInt(at); // jump back a random number of steps
        assertThat(journal.canUndoAfter(target)).isTrue();
        journal.undoAfter(target);
        assertThat(dump(db)).as("state after undoing to step %d", target).isEqualTo(images.get(target));
        at = target;
      }
      assertThat(journal.size()).isZero();
      // The application's triggers survived the undo and still work.
      db.exec("INSERT INTO acc(id) VALUES ('zz')");
      db.exec("INSERT INTO tx(acc, amt) VALUES ('zz', 7)");
      assertThat(db.one("SELECT bal FROM acc WHERE id = 'zz'", Long.class)).contains(7L);
    }
  }

  private static void run(SqliteDb db, Op op) {
    String acc = "a" + op.a();
    try {
      db.savepoint(() -> {
        switch (op.kind()) {
          case 0: db.exec("INSERT OR IGNORE INTO acc(id) VALUES (?)", acc); break;
          case 1: db.exec("INSERT INTO tx(acc, amt) SELECT ?, ? WHERE EXISTS (SELECT 1 FROM acc WHERE id = ?)", acc, op.b(), acc); break;
          case 2: db.exec("DELETE FROM tx WHERE id = (SELECT max(id) FROM tx WHERE acc = ?)", acc); break;
          case 3: db.exec("UPDATE tx SET amt = amt + ? WHERE acc = ?", op.b(), acc); break;
          case 4: db.exec("DELETE FROM acc WHERE id = ?", acc); break; // cascades to tx, fires tx_out
          case 5: db.exec("INSERT OR REPLACE INTO kv VALUES (?, ?)", "k" + op.a(), new byte[] {(byte) op.b(), 0, 1}); break;
          case 6: db.exec("UPDATE kv SET k = k || 'x' WHERE k = ?", "k" + op.a()); break;
          case 7: db.exec("DELETE FROM kv WHERE k LIKE ?", "k" + op.a() + "%"); break;
          case 8: db.exec("INSERT INTO loose VALUES (?, ?)", op.b() / 3.0, op.b() % 2 == 0 ? null : "y" + op.a()); break;
          default: db.exec("UPDATE loose SET rowid = rowid + 100, y = 'moved' WHERE rowid = (SELECT min(rowid) FROM loose)"); break;
        }
        return null;
      });
    } catch (Exception e) {
      // A CHECK or FK failure: the savepoint undid it, as an action's would.
    }
  }

  private static Map<String, List<Row>> dump(SqliteDb db) {
    Map<String, List<Row>> out = new HashMap<>();
    out.put("acc", db.internalQuery("SELECT * FROM acc ORDER BY id"));
    out.put("tx", db.internalQuery("SELECT * FROM tx ORDER BY id"));
    out.put("audit", db.internalQuery("SELECT rowid, * FROM audit ORDER BY rowid"));
    out.put("kv", db.internalQuery("SELECT * FROM kv ORDER BY k"));
    out.put("loose", db.internalQuery("SELECT rowid, * FROM loose ORDER BY rowid"));
    out.put("schema", db.internalQuery("SELECT type, name, sql FROM sqlite_schema ORDER BY name"));
    return new HashMap<>(out);
  }
}
