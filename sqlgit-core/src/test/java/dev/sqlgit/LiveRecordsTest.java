package dev.sqlgit;

import static dev.sqlgit.LiveFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqlgit.LiveFixture.Recorder;
import dev.sqlgit.typed.Id;
import dev.sqlgit.typed.Table;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The typed layer: records mapped to tables, find/findAll, an identity map by primary key. */
@Timeout(60)
class LiveRecordsTest {
  @TempDir Path dir;

  @Table("accounts")
  record Account(String id, String name, long balance) {}

  /** By convention: table {@code ledger_entry}, key marked with {@code @Id}. */
  record LedgerEntry(@Id String code, long amountCents) {}

  record Note(String id, String body) {} // convention says table "note"; the schema has "notes"

  @Table("accounts")
  record NoKey(String name) {}

  @Test
  void findFollowsOneRowByKeyAndKeepsItsInstanceWhileItIsUnchanged() {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<Optional<Account>> a = peer.find(Account.class, "a");
        LiveQuery<Optional<Account>> z = peer.find(Account.class, "z")) {
      Recorder<Optional<Account>> seen = new Recorder<>();
      a.subscribe(seen);
      Account first = seen.next().orElseThrow();
      assertThat(first).isEqualTo(new Account("a", "Alice", 0));
      assertThat(z.current()).isEmpty();

      exec(peer, "UPDATE accounts SET balance = 1 WHERE id = 'b'"); // same table, other row
      assertThat(a.current().orElseThrow()).isSameAs(first);
      exec(peer, "UPDATE accounts SET balance = 9 WHERE id = 'a'");
      assertThat(seen.next().orElseThrow().balance()).isEqualTo(9);
      assertThat(LiveFixture.runs(a)).isEqualTo(3);

      exec(peer, "INSERT INTO accounts(id, name) VALUES ('z', 'Zed')");
      assertThat(z.current()).contains(new Account("z", "Zed", 0));
    }
  }

  @Test
  void findAllReusesTheRecordsOfUnchangedRows() {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<List<Account>> all = peer.findAll(Account.class)) {
      exec(peer, "INSERT INTO accounts(id, name) VALUES ('c', 'Cy')");
      List<Account> before = all.current();
      exec(peer, "UPDATE accounts SET name = 'Bobby' WHERE id = 'b'");
      List<Account> after = all.current();
      assertThat(after).extracting(Account::name).containsExactly("Alice", "Bobby", "Cy");
      assertThat(after.get(0)).isSameAs(before.get(0));
      assertThat(after.get(1)).isNotSameAs(before.get(1));
      assertThat(after.get(2)).isSameAs(before.get(2));
      assertThatThrownBy(() -> after.add(before.get(0))).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Test
  void findAllFiltersOrdersAndLimits() {
    try (Peer peer = LiveFixture.master(dir)) {
      exec(peer, "INSERT INTO accounts(id, name, balance) VALUES ('c', 'Cy', 30), ('d', 'Di', 20)");
      try (LiveQuery<List<Account>> top = peer.findAll(Account.class, "balance >= ?", "balance DESC", 2, 10)) {
        assertThat(top.current()).extracting(Account::id).containsExactly("c", "d");
        exec(peer, "UPDATE accounts SET balance = 25 WHERE id = 'a'");
        assertThat(top.current()).extracting(Account::id).containsExactly("c", "a");
        assertThat(top.dependencies()).containsExactly("accounts");
      }
    }
  }

  @Test
  void conventionsAndTheIdAnnotation() {
    try (Peer peer = LiveFixture.master(dir)) {
      exec(peer, "CREATE TABLE ledger_entry(code TEXT PRIMARY KEY, amount_cents INTEGER NOT NULL)");
      exec(peer, "INSERT INTO ledger_entry VALUES ('e1', 250)");
      try (LiveQuery<Optional<LedgerEntry>> e = peer.find(LedgerEntry.class, "e1")) {
        assertThat(e.current()).contains(new LedgerEntry("e1", 250));
      }
      assertThatThrownBy(() -> peer.find(Note.class, "n1"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no table 'note'")
          .hasMessageContaining("@Table");
      assertThatThrownBy(() -> peer.findAll(NoKey.class))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no key");
    }
  }

  @Test
  void rawSqlMapsToRecordsAndScalarsToo() {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<List<Account>> rows = peer.live("SELECT * FROM accounts ORDER BY id", Account.class);
        LiveQuery<List<Long>> count = peer.live("SELECT count(*) FROM accounts", Long.class)) {
      List<Account> before = rows.current();
      assertThat(count.current()).containsExactly(2L);
      exec(peer, "INSERT INTO accounts(id, name) VALUES ('c', 'Cy')");
      assertThat(count.current()).containsExactly(3L);
      assertThat(rows.current().get(0)).isSameAs(before.get(0));
    }
  }
}
