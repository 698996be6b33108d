package dev.sqlgit.storage;

import dev.sqlgit.ClosedException;
import dev.sqlgit.internal.sqlite.SqliteDb;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Read-only connections for reads that need not see the writer's pending work. In WAL mode a reader
 * sees the last commit as of its first step and never blocks the writer, nor the writer it.
 *
 * <p>A connection serves one read at a time (it is taken from the idle set for the call and put
 * back after), so it is confined to one thread while in use, like sqldelight's {@code
 * ThreadedConnectionManager}. A read never waits for another: when every connection is busy a new
 * one is opened, and at most {@code maxIdle} stay open between reads. Thread-safe.
 */
final class Readers implements AutoCloseable {
  private final Supplier<SqliteDb> opener;
  private final int maxIdle;
  private final String label;
  private final Deque<SqliteDb> idle = new ArrayDeque<>();
  private final Set<SqliteDb> open = new HashSet<>();
  private boolean closed;

  Readers(Supplier<SqliteDb> opener, int maxIdle, String label) {
    this.opener = opener;
    this.maxIdle = maxIdle;
    this.label = label;
  }

  /** Runs {@code body} on a reader connection that no other thread uses meanwhile. */
  <T> T read(Function<SqliteDb, T> body) {
    SqliteDb db = borrow();
    try {
      return body.apply(db);
    } finally {
      giveBack(db);
    }
  }

  /** Connections open now, idle or in use (for tests). */
  synchronized int openCount() {
    return open.size();
  }

  private SqliteDb borrow() {
    synchronized (this) {
      if (closed) {
        throw new ClosedException("store " + label);
      }
      SqliteDb db = idle.pollFirst();
      if (db != null) {
        return db;
      }
    }
    // Opening takes a file open and three pragmas: done outside the monitor so other readers
    // keep borrowing and returning meanwhile.
    SqliteDb db = opener.get();
    synchronized (this) {
      if (!closed) {
        open.add(db);
        return db;
      }
    }
    db.close();
    throw new ClosedException("store " + label);
  }

  private void giveBack(SqliteDb db) {
    synchronized (this) {
      if (!closed && idle.size() < maxIdle) {
        idle.addFirst(db);
        return;
      }
      open.remove(db);
    }
    db.close();
  }

  /** Closes the idle connections now and the busy ones as their reads finish. Idempotent. */
  @Override
  public void close() {
    Set<SqliteDb> toClose;
    synchronized (this) {
      closed = true;
      toClose = new HashSet<>(idle);
      open.removeAll(idle);
      idle.clear();
    }
    for (SqliteDb db : toClose) {
      db.close();
    }
  }
}
