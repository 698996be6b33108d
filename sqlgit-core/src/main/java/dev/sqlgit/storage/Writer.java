package dev.sqlgit.storage;

import dev.sqlgit.StorageException;
import dev.sqlgit.internal.sqlite.SqliteDb;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;

/**
 * The one writer connection of a store and the lock that serialises it (STYLE §7: each database
 * has one writer). Tracks the transaction sqlgit opened on it, the {@code tx(fn)} nesting of the
 * thread holding the lock, and whether SQLite ended that transaction on its own.
 *
 * <p>SQLite rolls a whole transaction back, without being asked, after some errors ({@code INSERT
 * OR ROLLBACK}, {@code RAISE(ROLLBACK)}, a full disk, an I/O error). Statements run after that
 * would autocommit one by one, so a caller that catches the error and carries on would break
 * atomicity unnoticed. {@link #statement} therefore checks, after a failure inside a transaction,
 * whether the transaction survived, and if it did not refuses every further statement until the
 * transaction is ended.
 *
 * <p>Every method except {@link #lock()}, {@link #isHeldByCurrentThread()} and {@link #commits()}
 * must be called with the lock held.
 */
final class Writer implements AutoCloseable {
  private final SqliteDb db;
  private final SQLiteConnection connection;
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicLong commits = new AtomicLong();

  private boolean inTransaction;
  private int txDepth;
  private StorageException lostBy;

  Writer(SQLiteConnection connection, String label) {
    this.connection = connection;
    this.db = SqliteDb.wrap(connection, label);
    // sqlite3_commit_hook fires for every commit, autocommit statements included: the count is
    // SQLite's own, so tests can prove that a batch of writes cost one commit.
    connection.addCommitListener(
        new SQLiteCommitListener() {
          @Override
          public void onCommit() {
            commits.incrementAndGet();
          }

          @Override
          public void onRollback() {}
        });
  }

  SqliteDb db() {
    return db;
  }

  /** The raw connection, for hooks that only the driver offers (update listeners). */
  SQLiteConnection connection() {
    return connection;
  }

  void lock() {
    lock.lock();
  }

  void unlock() {
    lock.unlock();
  }

  boolean isHeldByCurrentThread() {
    return lock.isHeldByCurrentThread();
  }

  /** Transactions SQLite committed on this connection, autocommit statements included. */
  long commits() {
    return commits.get();
  }

  /** Whether the lock holder is inside {@code tx(fn)}. */
  boolean inTx() {
    return txDepth > 0;
  }

  boolean inTransaction() {
    return inTransaction;
  }

  void begin() {
    db.exec("BEGIN IMMEDIATE");
    inTransaction = true;
    lostBy = null;
  }

  /** Commits; on failure rolls back (a failed COMMIT leaves the transaction open) and rethrows. */
  void commit() {
    if (lostBy != null) {
      StorageException lost = lost();
      rollback();
      throw lost;
    }
    try {
      db.exec("COMMIT");
      inTransaction = false;
    } catch (StorageException e) {
      rollback();
      throw e;
    }
  }

  /** Ends the transaction, discarding its writes; never throws. */
  void rollback() {
    if (inTransaction) {
      try {
        db.exec("ROLLBACK");
      } catch (RuntimeException alreadyGone) {
        // SQLite had already rolled back: nothing is left to undo.
      }
    }
    inTransaction = false;
    lostBy = null;
  }

  /** Whether SQLite rolled back sqlgit's transaction on its own (see the class comment). */
  boolean transactionLost() {
    return lostBy != null;
  }

  /** Runs one statement on the writer, noticing when a failure took the transaction with it. */
  <T> T statement(Supplier<T> body) {
    if (lostBy != null) {
      throw lost();
    }
    try {
      return body.get();
    } catch (StorageException e) {
      if (inTransaction && !sqliteTransactionActive()) {
        lostBy = e;
      }
      throw e;
    }
  }

  /** A top-level {@code tx(fn)} with the write queue off: BEGIN IMMEDIATE … COMMIT. */
  <T> T transaction(Supplier<T> fn) {
    begin();
    T result;
    txDepth++;
    try {
      result = fn.get();
    } catch (RuntimeException | Error e) {
      rollback();
      throw e;
    } finally {
      txDepth--;
    }
    commit();
    return result;
  }

  /** A nested {@code tx(fn)}, or one inside a batch: a savepoint that undoes only {@code fn}. */
  <T> T savepoint(Supplier<T> fn) {
    String name = "sqlgit_tx" + (txDepth + 1);
    statement(() -> db.exec("SAVEPOINT " + name));
    txDepth++;
    try {
      T result = fn.get();
      statement(() -> db.exec("RELEASE " + name));
      return result;
    } catch (RuntimeException | Error e) {
      rollbackTo(name, e);
      throw e;
    } finally {
      txDepth--;
    }
  }

  private void rollbackTo(String name, Throwable cause) {
    if (lostBy != null) {
      return; // SQLite already undid everything, the savepoint included
    }
    try {
      db.exec("ROLLBACK TO " + name);
      db.exec("RELEASE " + name);
    } catch (StorageException e) {
      cause.addSuppressed(e);
      lostBy = e;
    }
  }

  // SQLite exposes sqlite3_get_autocommit() but the driver does not; BEGIN fails exactly when a
  // transaction is active, and a probe that succeeds is rolled back at once (it wrote nothing).
  private boolean sqliteTransactionActive() {
    try {
      db.exec("BEGIN");
    } catch (StorageException active) {
      return true;
    }
    try {
      db.exec("ROLLBACK");
    } catch (StorageException ignored) {
      // an empty transaction has nothing to undo
    }
    return false;
  }

  private StorageException lost() {
    return new StorageException(
        "SQLite rolled back the transaction after an earlier error ("
            + lostBy.getMessage()
            + "); nothing written since it began was kept",
        lostBy.resultCode(),
        lostBy);
  }

  @Override
  public void close() {
    db.close();
  }
}
