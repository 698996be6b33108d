package dev.sqlgit.demo;

import dev.sqlgit.ActionRegistry;
import dev.sqlgit.Db;
import dev.sqlgit.Row;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's money tracker: accounts whose balance is kept by triggers on transactions, and a
 * {@code CHECK (balance >= 0)} that forbids overdrafts. Ids and amounts travel in the params, so
 * every action is deterministic and replays identically on each replica (SPEC §1).
 *
 * <p>Stateless; the registry it builds is immutable and thread-safe.
 */
final class MoneyTracker {
  private MoneyTracker() {}

  /** Params of {@code open_account}. */
  record Open(String id, String name) {}

  /**
   * Params of {@code deposit} and {@code withdraw}: {@code amount} is positive, a withdrawal is
   * stored negated.
   */
  record Move(String txId, String account, long amount, String memo) {}

  /** Balances follow transactions through triggers, so no action ever writes a balance itself. */
  static final String SCHEMA =
      """
      CREATE TABLE accounts(
        id      TEXT PRIMARY KEY,
        name    TEXT NOT NULL,
        balance INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0)
      );
      CREATE TABLE transactions(
        id      TEXT PRIMARY KEY,
        account TEXT NOT NULL REFERENCES accounts(id),
        amount  INTEGER NOT NULL,
        memo    TEXT NOT NULL
      );
      CREATE TRIGGER tx_insert AFTER INSERT ON transactions BEGIN
        UPDATE accounts SET balance = balance + NEW.amount WHERE id = NEW.account;
      END;
      CREATE TRIGGER tx_delete AFTER DELETE ON transactions BEGIN
        UPDATE accounts SET balance = balance - OLD.amount WHERE id = OLD.account;
      END;
      """;

  /** The actions every replica of the demo cluster shares. */
  static ActionRegistry actions() {
    return ActionRegistry.builder()
        .action("init_bank", (db, ignored) -> db.execScript(SCHEMA))
        .action(
            "open_account",
            Open.class,
            (db, o) -> db.exec("INSERT INTO accounts(id, name) VALUES (?, ?)", o.id(), o.name()))
        .action("deposit", Move.class, (db, m) -> insert(db, m, m.amount()))
        .action("withdraw", Move.class, (db, m) -> insert(db, m, -m.amount()))
        .build();
  }

  private static void insert(Db db, Move m, long signedAmount) {
    if (m.amount() <= 0) {
      throw new IllegalArgumentException("amount must be positive: " + m.amount());
    }
    db.exec(
        "INSERT INTO transactions(id, account, amount, memo) VALUES (?, ?, ?, ?)",
        m.txId(),
        m.account(),
        signedAmount,
        m.memo());
  }

  /** The balance of {@code account}; throws when there is no such account. */
  static long balance(Db db, String account) {
    return db.one("SELECT balance FROM accounts WHERE id = ?", Long.class, account)
        .orElseThrow(() -> new IllegalStateException("no account '" + account + "'"));
  }

  /** Account name to balance, ordered by account id; empty before {@code init_bank}. */
  static Map<String, Long> balances(Db db) {
    Map<String, Long> out = new LinkedHashMap<>();
    if (hasSchema(db)) {
      for (Row r : db.query("SELECT name, balance FROM accounts ORDER BY id")) {
        out.put(r.getString("name"), r.getLong("balance"));
      }
    }
    return out;
  }

  /** Every transaction, ordered by id; empty before {@code init_bank}. */
  static List<Row> transactions(Db db) {
    if (!hasSchema(db)) {
      return List.of();
    }
    return db.query("SELECT id, account, amount, memo FROM transactions ORDER BY id");
  }

  private static boolean hasSchema(Db db) {
    return db.one("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'accounts'")
        .isPresent();
  }
}
