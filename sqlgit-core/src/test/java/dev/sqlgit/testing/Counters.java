package dev.sqlgit.testing;

import dev.sqlgit.ActionRegistry;
import dev.sqlgit.Db;
import dev.sqlgit.Row;
import java.util.List;

/**
 * A schema made for conflicts: counters that must stay non-negative (so a decrement can fail on a
 * rebased state) and notes that can be written, overwritten and deleted (so a delete can find its
 * row gone). Keys come from a tiny domain in tests, so peers collide often.
 */
public final class Counters {
  private Counters() {}

  public record Step(String id, long by) {}

  public record Note(String id, String body) {}

  public record Key(String id) {}

  public static ActionRegistry actions() {
    return ActionRegistry.builder()
        .action("init", (db, p) -> db.execScript(
            "CREATE TABLE counters(id TEXT PRIMARY KEY, n INTEGER NOT NULL CHECK (n >= 0));"
                + "CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT NOT NULL);"
                + "INSERT INTO counters VALUES ('a', 6), ('b', 6);"))
        .action("inc", Step.class, (db, s) -> db.exec(
            "INSERT INTO counters VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET n = n + excluded.n",
            s.id(), s.by()))
        .action("dec", Step.class, (db, s) -> {
          if (db.exec("UPDATE counters SET n = n - ? WHERE id = ?", s.by(), s.id()).changes() != 1) {
            throw new IllegalStateException("no counter " + s.id());
          }
        })
        .action("put", Note.class, (db, n) -> db.exec(
            "INSERT INTO notes VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body",
            n.id(), n.body()))
        .action("del", Key.class, (db, k) -> {
          if (db.exec("DELETE FROM notes WHERE id = ?", k.id()).changes() != 1) {
            throw new IllegalStateException("no note " + k.id());
          }
        })
        .build();
  }

  /** The whole application state, in a canonical order, for comparing replicas. */
  public static List<Row> dump(Db db) {
    List<Row> rows = new java.util.ArrayList<>(
        db.query("SELECT 'counter' AS kind, id, n AS value FROM counters ORDER BY id"));
    rows.addAll(db.query("SELECT 'note' AS kind, id, body AS value FROM notes ORDER BY id"));
    return rows;
  }
}
