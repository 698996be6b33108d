package dev.sqlgit.crash;

import dev.sqlgit.ActionRegistry;
import dev.sqlgit.Db;
import dev.sqlgit.Row;
import java.util.List;

/**
 * The crash workload's application: every author appends items numbered 1, 2, 3, … and an item
 * only applies right after its predecessor ({@code heads} holds each author's last number). So a
 * state proves by itself that an author's items are all there and in order: {@code heads.n = N}
 * and items 1..N, each with the body its number determines. Authors never touch each other's rows,
 * so no action conflicts and no resolver ever has to drop one. {@code init} also stores 2 MB of
 * ballast, so that writing {@code snapshot.db} takes long enough for kills to land inside it.
 */
final class CrashSchema {
  private CrashSchema() {}

  /** Params of {@code add}: the {@code n}-th item of {@code author}. */
  record Item(String author, long n, String body) {}

  static ActionRegistry actions() {
    return ActionRegistry.builder()
        .action("init", (db, p) -> db.execScript(
            "CREATE TABLE items(id TEXT PRIMARY KEY, author TEXT NOT NULL, n INTEGER NOT NULL, body TEXT NOT NULL);"
                + "CREATE TABLE heads(author TEXT PRIMARY KEY, n INTEGER NOT NULL);"
                + "CREATE TABLE ballast(id INTEGER PRIMARY KEY, b BLOB NOT NULL);"
                + "INSERT INTO ballast(b) VALUES (zeroblob(2000000));"))
        .action("add", Item.class, (db, item) -> {
          if (item.n() == 1) {
            db.exec("INSERT INTO heads VALUES (?, 1)", item.author());
          } else if (db.exec("UPDATE heads SET n = ? WHERE author = ? AND n = ?",
              item.n(), item.author(), item.n() - 1).changes() != 1) {
            throw new IllegalStateException("item " + item.n() + " of " + item.author() + " out of order");
          }
          db.exec("INSERT INTO items VALUES (?, ?, ?, ?)",
              item.author() + "-" + item.n(), item.author(), item.n(), item.body());
        })
        .build();
  }

  /** The {@code n}-th item of {@code author}; bodies vary in length so log lines do too. */
  static Item item(String author, long n) {
    return new Item(author, n, author + "#" + n + ":" + "x".repeat((int) (n * 37 % 300)));
  }

  /** The last item number of {@code author} in {@code db}'s state, 0 when none. */
  static long head(Db db, String author) {
    return db.one("SELECT n FROM heads WHERE author = ?", Long.class, author).orElse(0L);
  }

  /**
   * Checks that {@code db} holds items 1..head of {@code author}, each exactly as submitted;
   * returns head.
   */
  static long checkItems(Db db, String author) {
    long head = head(db, author);
    List<Row> rows = db.query("SELECT n, body FROM items WHERE author = ? ORDER BY n", author);
    if (rows.size() != head) {
      throw new AssertionError(author + ": head " + head + " but " + rows.size() + " items");
    }
    for (int i = 0; i < rows.size(); i++) {
      long n = i + 1;
      Row row = rows.get(i);
      if (row.getLong("n") != n || !row.getString("body").equals(item(author, n).body())) {
        throw new AssertionError(author + ": item " + n + " is " + row);
      }
    }
    return head;
  }
}
