package dev.sqlgit;

import static dev.sqlgit.LiveFixture.column;
import static dev.sqlgit.LiveFixture.exec;
import static dev.sqlgit.LiveFixture.runs;
import static dev.sqlgit.LiveFixture.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqlgit.LiveFixture.Recorder;
import dev.sqlgit.LiveFixture.Stmt;
import dev.sqlgit.testing.FileSyncer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live queries re-run exactly when committed work changed a table they read, as SQLite resolves
 * it. "Not re-run" is proven with a barrier: an unrelated write, then a marker write the query does
 * read; once the marker's result arrives, every earlier invalidation has been handled.
 */
@Timeout(60)
class LiveQueryInvalidationTest {
  @TempDir Path dir;

  @Test
  void aQueryOnAccountsIsNotRerunWhenOnlyTransactionsChange() {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<List<Row>> accounts = peer.live("SELECT id, balance FROM accounts ORDER BY id");
        LiveQuery<List<Row>> txs = peer.live("SELECT id FROM transactions")) {
      Recorder<List<Row>> seen = new Recorder<>();
      Recorder<List<Row>> seenTxs = new Recorder<>();
      accounts.subscribe(seen);
      txs.subscribe(seenTxs);
      assertThat(column(seen.next(), "balance")).containsExactly(0L, 0L);
      assertThat(seenTxs.next()).isEmpty();
      assertThat(accounts.dependencies()).containsExactly("accounts");

      exec(peer, "INSERT INTO transactions VALUES ('t1', 'a', 5)");
      exec(peer, "UPDATE accounts SET balance = 7 WHERE id = 'a'"); // the marker

      assertThat(column(seen.next(), "balance")).containsExactly(7L, 0L);
      assertThat(column(seenTxs.next(), "id")).containsExactly("t1");
      assertThat(runs(accounts)).as("first run + the marker; the transactions write never re-ran it").isEqualTo(2);
      assertThat(seen.pending()).isEmpty();
    }
  }

  @Test
  void aQueryOnAViewOrAJoinRerunsWhenAnyUnderlyingTableChanges() {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<List<Row>> view = peer.live("SELECT id, name, total FROM totals ORDER BY id");
        LiveQuery<List<Row>> join = peer.live(
            "SELECT a.name, t.amount FROM accounts a JOIN transactions t ON t.account = a.id ORDER BY t.id")) {
      assertThat(view.dependencies()).containsExactlyInAnyOrder("accounts", "transactions");
      assertThat(join.dependencies()).containsExactlyInAnyOrder("accounts", "transactions");
      Recorder<List<Row>> v = new Recorder<>();
      Recorder<List<Row>> j = new Recorder<>();
      view.subscribe(v);
      join.subscribe(j);
      v.next();
      assertThat(j.next()).isEmpty();

      exec(peer, "INSERT INTO transactions VALUES ('t1', 'a', 5)");
      assertThat(column(v.next(), "total")).containsExactly(5L, 0L);
      assertThat(column(j.next(), "amount")).containsExactly(5L);

      exec(peer, "UPDATE accounts SET name = 'Ann' WHERE id = 'a'");
      assertThat(column(v.next(), "name")).containsExactly("Ann", "Bob");
      assertThat(column(j.next(), "name")).containsExactly("Ann");
    }
  }

  @Test
  void dependenciesComeFromSqliteThroughSubqueriesAndCtes() {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<List<Row>> cte = peer.live(
            "WITH big AS (SELECT account FROM transactions WHERE amount > ?)"
                + " SELECT name FROM accounts WHERE id IN (SELECT account FROM big)", 10);
        LiveQuery<List<Row>> scalar = peer.live("SELECT (SELECT count(*) FROM notes) AS n");
        LiveQuery<List<Row>> constant = peer.live("SELECT 1 AS one")) {
      assertThat(cte.dependencies()).containsExactlyInAnyOrder("accounts", "transactions");
      assertThat(scalar.dependencies()).containsExactly("notes");
      assertThat(constant.dependencies()).isEmpty();
      exec(peer, "INSERT INTO notes VALUES ('n1', 'x')");
      assertThat(scalar.current().get(0).getLong("n")).isEqualTo(1);
      assertThat(runs(constant)).isEqualTo(1);
    }
  }

  @Test
  void writesMadeByATriggerInvalidate() {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<List<Row>> audit = peer.live("SELECT note FROM audit ORDER BY note")) {
      Recorder<List<Row>> seen = new Recorder<>();
      audit.subscribe(seen);
      assertThat(seen.next()).isEmpty();
      exec(peer, "INSERT INTO notes VALUES ('n1', 'hello')"); // only the trigger writes audit
      assertThat(column(seen.next(), "note")).containsExactly("n1");
    }
  }

  @Test
  void aRolledBackActionDoesNotInvalidate() {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<List<Row>> accounts = peer.live("SELECT id FROM accounts ORDER BY id")) {
      Recorder<List<Row>> seen = new Recorder<>();
      accounts.subscribe(seen);
      seen.next();
      assertThatThrownBy(() -> peer.submit("boom", new Stmt("INSERT INTO accounts(id, name) VALUES ('x', 'X')", List.of())))
          .isInstanceOf(ActionFailedException.class);
      exec(peer, "INSERT INTO accounts(id, name) VALUES ('c', 'Cy')"); // the marker

      assertThat(column(seen.next(), "id")).containsExactly("a", "b", "c");
      assertThat(runs(accounts)).as("first run + the marker only").isEqualTo(2);
    }
  }

  @Test
  void afterASyncQueriesOnUntouchedTablesAreNotRerun() {
    FileSyncer net = new FileSyncer(dir, "m", List.of("m", "p"));
    try (Peer master = LiveFixture.master(net.rootOf("m"))) {
      net.deliverAll();
      try (Peer peer = LiveFixture.open(net.rootOf("p"), "p", "m");
          LiveQuery<List<Row>> accounts = peer.live("SELECT id, balance FROM accounts ORDER BY id");
          LiveQuery<List<Row>> notes = peer.live("SELECT id FROM notes ORDER BY id")) {
        Recorder<List<Row>> seenAccounts = new Recorder<>();
        Recorder<List<Row>> seenNotes = new Recorder<>();
        accounts.subscribe(seenAccounts);
        notes.subscribe(seenNotes);
        seenAccounts.next();
        seenNotes.next();

        exec(master, "UPDATE accounts SET balance = 40 WHERE id = 'b'");
        net.deliverAll();
        peer.sync();
        assertThat(column(seenAccounts.next(), "balance")).containsExactly(0L, 40L);

        exec(peer, "INSERT INTO notes VALUES ('n1', 'mine')"); // the marker
        assertThat(column(seenNotes.next(), "id")).containsExactly("n1");
        assertThat(runs(notes)).as("the sync changed only accounts").isEqualTo(2);
        assertThat(runs(accounts)).isEqualTo(2);
      }
    }
  }

  @Test
  void aSchemaChangeRecomputesDependencies() {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<List<Row>> view = peer.live("SELECT id, name FROM totals ORDER BY id")) {
      Recorder<List<Row>> seen = new Recorder<>();
      view.subscribe(seen);
      assertThat(column(seen.next(), "id")).containsExactly("a", "b");

      // Only the view changes: no table the query read before is written.
      script(peer, "DROP VIEW totals; CREATE VIEW totals AS SELECT id, body AS name FROM notes;");
      assertThat(seen.next()).isEmpty();
      assertThat(view.dependencies()).containsExactly("notes");

      exec(peer, "INSERT INTO notes VALUES ('n1', 'now from notes')");
      assertThat(column(seen.next(), "name")).containsExactly("now from notes");
    }
  }

  @Test
  void tableNamesAreLowerCase() {
    try (Peer peer = LiveFixture.master(dir)) {
      exec(peer, "CREATE TABLE MixedCase(Id INTEGER PRIMARY KEY)");
      try (LiveQuery<List<Row>> q = peer.live("SELECT * FROM MIXEDCASE")) {
        assertThat(q.dependencies()).containsExactly("mixedcase");
        exec(peer, "INSERT INTO mixedCase VALUES (1)");
        assertThat(q.current()).hasSize(1);
      }
    }
  }
}
