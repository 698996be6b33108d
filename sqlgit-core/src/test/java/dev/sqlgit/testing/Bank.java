package dev.sqlgit.testing;

import dev.sqlgit.ActionRegistry;
import dev.sqlgit.Db;
import dev.sqlgit.Peer;

/**
 * A small bank: accounts whose balance is kept by triggers on transactions, and a CHECK that
 * forbids overdrafts. Every transaction has its own id, passed in params (actions are
 * deterministic).
 */
public final class Bank {
  private Bank() {}

  public record Open(String id, String name) {}

  public record Move(String txId, String account, long amount) {}

  public record Edit(String txId, long amount) {}

  public record TxId(String txId) {}

  public static final String SCHEMA =
      "CREATE TABLE accounts(id TEXT PRIMARY KEY, name TEXT NOT NULL,"
          + " balance INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0));"
          + "CREATE TABLE transactions(id TEXT PRIMARY KEY,"
          + " account TEXT NOT NULL REFERENCES accounts(id), amount INTEGER NOT NULL);"
          + "CREATE TRIGGER tx_insert AFTER INSERT ON transactions BEGIN"
          + " UPDATE accounts SET balance = balance + NEW.amount WHERE id = NEW.account; END;"
          + "CREATE TRIGGER tx_delete AFTER DELETE ON transactions BEGIN"
          + " UPDATE accounts SET balance = balance - OLD.amount WHERE id = OLD.account; END;"
          + "CREATE TRIGGER tx_update AFTER UPDATE OF amount ON transactions BEGIN"
          + " UPDATE accounts SET balance = balance - OLD.amount + NEW.amount WHERE id = NEW.account; END;";

  public static ActionRegistry actions() {
    return ActionRegistry.builder()
        .action("init_bank", (db, p) -> db.execScript(SCHEMA))
        .action("open_account", Open.class, (db, o) ->
            db.exec("INSERT INTO accounts(id, name) VALUES (?, ?)", o.id(), o.name()))
        .action("deposit", Move.class, (db, m) ->
            db.exec("INSERT INTO transactions VALUES (?, ?, ?)", m.txId(), m.account(), m.amount()))
        .action("withdraw", Move.class, (db, m) ->
            db.exec("INSERT INTO transactions VALUES (?, ?, ?)", m.txId(), m.account(), -m.amount()))
        .action("edit_amount", Edit.class, (db, e) -> requireOne(db,
            "UPDATE transactions SET amount = ? WHERE id = ?", e.amount(), e.txId()))
        .action("delete_tx", TxId.class, (db, t) -> requireOne(db,
            "DELETE FROM transactions WHERE id = ?", t.txId()))
        .build();
  }

  /**
   * Seeds a bank on {@code master}: seq 1 init_bank, seq 2 account "acc" ("Shared"), seq 3 deposit
   * t1 of 100 into acc. Delivers nothing.
   */
  public static void seed(Peer master) {
    master.submit("init_bank", null);
    master.submit("open_account", new Open("acc", "Shared"));
    master.submit("deposit", new Move("t1", "acc", 100));
  }

  private static void requireOne(Db db, String sql, Object... params) {
    if (db.exec(sql, params).changes() != 1) {
      throw new IllegalStateException("no such transaction: " + params[params.length - 1]);
    }
  }

  public static long balance(Db db, String account) {
    return db.one("SELECT balance FROM accounts WHERE id = ?", Long.class, account).orElseThrow();
  }
}
