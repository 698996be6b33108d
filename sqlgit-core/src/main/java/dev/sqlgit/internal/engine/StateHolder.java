package dev.sqlgit.internal.engine;

import dev.sqlgit.ClosedException;
import dev.sqlgit.internal.sqlite.SqliteDb;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * The current state of a replica. Readers hold the read lock for the length of one query; the
 * writer takes the write lock only to change the state in place (a submit) or to swap in a rebased
 * one (a sync), so readers never see an uncommitted or half-swapped state.
 */
final class StateHolder {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private StateDb current;

  StateHolder(StateDb initial) {
    this.current = initial;
  }

  <T> T read(Function<SqliteDb, T> body) {
    lock.readLock().lock();
    try {
      if (current == null) {
        throw new ClosedException("peer");
      }
      return body.apply(current.db());
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The state itself, for the writer (which is the only thread that changes it). */
  StateDb current() {
    if (current == null) {
      throw new ClosedException("peer");
    }
    return current;
  }

  /** Runs a change of the current state with readers held off. */
  void write(Runnable change) {
    lock.writeLock().lock();
    try {
      change.run();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Makes {@code next} current and closes the previous state. */
  void replace(StateDb next) {
    StateDb previous;
    lock.writeLock().lock();
    try {
      previous = current;
      current = next;
    } finally {
      lock.writeLock().unlock();
    }
    if (previous != null && previous != next) {
      previous.close();
    }
  }

  void close() {
    replace(null);
  }
}
