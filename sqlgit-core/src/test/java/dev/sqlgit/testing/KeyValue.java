package dev.sqlgit.testing;

import dev.sqlgit.ActionRegistry;
import dev.sqlgit.Db;
import dev.sqlgit.ExecResult;

/**
 * A key/value table and counters; every key is a param, so the actions are deterministic. {@code
 * del} and {@code inc} throw when their row is missing, so they fail on a state that lacks it.
 */
public final class KeyValue {
  private KeyValue() {}

  public record Kv(String k, String v) {}

  public record Key(String k) {}

  /** What init_kv creates: {@code kv(k, v)} and {@code counters(k, n)}. */
  public static final String SCHEMA =
      "CREATE TABLE kv(k TEXT PRIMARY KEY, v TEXT NOT NULL);"
          + "CREATE TABLE counters(k TEXT PRIMARY KEY, n INTEGER NOT NULL);";

  /** init_kv, set (upsert), del, counter (a new counter at 0) and inc (by one). */
  public static ActionRegistry actions() {
    return builder("").build();
  }

  /** The same actions, with init_kv also running {@code moreSchema}; for tests that add actions. */
  public static ActionRegistry.Builder builder(String moreSchema) {
    return ActionRegistry.builder()
        .action("init_kv", (db, p) -> db.execScript(SCHEMA + moreSchema))
        .action("set", Kv.class, (db, kv) -> db.exec(
            "INSERT INTO kv(k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v", kv.k(), kv.v()))
        .action("del", Key.class, (db, key) -> requireOne(db.exec("DELETE FROM kv WHERE k = ?", key.k())))
        .action("counter", Key.class, (db, key) -> db.exec("INSERT INTO counters VALUES (?, 0)", key.k()))
        .action("inc", Key.class, (db, key) ->
            requireOne(db.exec("UPDATE counters SET n = n + 1 WHERE k = ?", key.k())));
  }

  /** Fails the action unless it changed exactly one row. */
  public static void requireOne(ExecResult r) {
    if (r.changes() != 1) {
      throw new IllegalStateException("expected one row, changed " + r.changes());
    }
  }

  public static long counter(Db db, String k) {
    return db.one("SELECT n FROM counters WHERE k = ?", Long.class, k).orElseThrow();
  }

  public static String value(Db db, String k) {
    return db.one("SELECT v FROM kv WHERE k = ?", String.class, k).orElseThrow();
  }
}
