package dev.sqlgit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.internal.live.RegisteredQuery;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Shared by the live-query tests: a small schema (accounts and transactions with no trigger
 * between them, a view joining them, notes whose trigger writes an audit table), actions that run
 * any SQL, and a recorder that waits for emissions with a bounded wait.
 */
final class LiveFixture {
  private LiveFixture() {}

  /** One statement and its parameters, as an action's params. */
  record Stmt(String sql, List<Object> args) {}

  static final String SCHEMA =
      "CREATE TABLE accounts(id TEXT PRIMARY KEY, name TEXT NOT NULL, balance INTEGER NOT NULL DEFAULT 0);"
          + "CREATE TABLE transactions(id TEXT PRIMARY KEY, account TEXT NOT NULL, amount INTEGER NOT NULL);"
          + "CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT);"
          + "CREATE TABLE audit(note TEXT);"
          + "CREATE TRIGGER note_audit AFTER INSERT ON notes BEGIN INSERT INTO audit VALUES (NEW.id); END;"
          + "CREATE VIEW totals AS SELECT a.id, a.name, coalesce(sum(t.amount), 0) AS total"
          + " FROM accounts a LEFT JOIN transactions t ON t.account = a.id GROUP BY a.id;"
          + "INSERT INTO accounts(id, name) VALUES ('a', 'Alice'), ('b', 'Bob');";

  static final ActionRegistry ACTIONS =
      ActionRegistry.builder()
          .action("init", (db, p) -> db.execScript(SCHEMA))
          .action("exec", Stmt.class, (db, s) -> db.exec(s.sql(), s.args().toArray()))
          .action("script", Stmt.class, (db, s) -> db.execScript(s.sql()))
          .action("boom", Stmt.class, (db, s) -> {
            db.exec(s.sql(), s.args().toArray());
            throw new IllegalStateException("boom after writing");
          })
          .build();

  static Peer open(Path root, String id, String masterId) {
    return Peer.open(PeerOptions.builder().root(root).peerId(id).masterId(masterId).actions(ACTIONS).build());
  }

  /** A master with the schema applied. */
  static Peer master(Path dir) {
    Peer p = open(dir, "m", "m");
    p.submit("init", null);
    return p;
  }

  static void exec(Peer peer, String sql, Object... args) {
    peer.submit("exec", new Stmt(sql, List.of(args)));
  }

  static void script(Peer peer, String sql) {
    peer.submit("script", new Stmt(sql, List.of()));
  }

  /** How many times the query ran, first run included. */
  static long runs(LiveQuery<?> q) {
    return ((RegisteredQuery<?, ?>) q).runCount();
  }

  /** Collects what a listener receives; {@link #next()} waits at most five seconds. */
  static final class Recorder<T> implements Consumer<T> {
    private final BlockingQueue<T> received = new LinkedBlockingQueue<>();

    @Override
    public void accept(T value) {
      received.add(value);
    }

    T next() {
      try {
        T v = received.poll(5, TimeUnit.SECONDS);
        assertThat(v).as("an emission within 5 s").isNotNull();
        return v;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    /** What arrived and was not taken yet, without waiting. */
    List<T> pending() {
      List<T> out = new ArrayList<>();
      received.drainTo(out);
      return out;
    }
  }

  /** The values of one column, for compact assertions. */
  static List<Object> column(List<Row> rows, String column) {
    List<Object> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(r.get(column));
    }
    return out;
  }
}
