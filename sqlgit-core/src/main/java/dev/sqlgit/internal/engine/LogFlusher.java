package dev.sqlgit.internal.engine;

import dev.sqlgit.ClosedException;
import dev.sqlgit.StorageException;

/**
 * Makes a replica's own log durable after its writer lock is released, so that the next batch of
 * submits is applied while this one's fsync runs. A submit batch appends its lines without fsync
 * and commits; its writer releases the lock and waits here before acknowledging its submits (SPEC
 * §2: a submit that returned is durable). An fsync covers every line written to the file before it
 * started, so a batch that an fsync already under way covers waits for that one instead of running
 * its own.
 *
 * <p>Batches are numbered from 1 by {@link #appended}, under the writer lock; {@link
 * #awaitDurable} runs outside it. A batch that no fsync under way covers starts its own at once,
 * even while another runs: were it to wait for that one first, it would wait for two fsyncs, and
 * where fsyncs are the bottleneck (few submitters) that is what a submit costs. How many batches
 * may wait at once is the caller's choice ({@code Peer} applies at most one batch ahead of the
 * fsyncs). Once an fsync failed, no batch that was not durable before is ever reported durable:
 * what the file holds after a failed fsync is unknown, even if a later fsync succeeds.
 *
 * <p>With a state directory, the fsync also runs after the OS writer lock ({@code WriterLock}) is
 * released. Another process that writes the log meanwhile only appends to it, which changes
 * nothing already written, or rewrites it (a sync), which leaves a complete, durable new file that
 * the fsync then flushes again by its path (see {@code JsonlFile.force}). Thread-safe.
 */
final class LogFlusher {
  private final Runnable force;
  private final String log;
  /** The newest batch appended; written under the writer lock only. */
  private volatile long appended;
  /** The newest batch known durable; written under this monitor. */
  private volatile long durable;
  /** The newest batch that an fsync started so far covers; guarded by this monitor. */
  private long covered;
  /** Fsyncs under way (outside the monitor); guarded by this monitor. */
  private int running;
  /** What the fsync that failed threw; every later wait for a batch not durable fails too. */
  private RuntimeException failure;
  private boolean closed;

  /**
   * @param force fsyncs the log (every line written to it so far), and may run alongside appends
   *     and other fsyncs
   * @param log names the log in error messages
   */
  LogFlusher(Runnable force, String log) {
    this.force = force;
    this.log = log;
  }

  /** Numbers a batch whose lines were just written to the log; call under the writer lock. */
  long appended() {
    return ++appended; // one writer at a time: no lost update
  }

  /**
   * Returns once batch {@code batch} (and every earlier one) is durable; 0 (nothing appended)
   * returns at once. Call it after releasing the writer lock.
   *
   * @throws StorageException when the fsync that was to cover it failed, now or before
   */
  void awaitDurable(long batch) {
    if (durable >= batch) {
      return;
    }
    long upTo;
    synchronized (this) {
      await(() -> durable < batch && failure == null && covered >= batch); // an fsync under way covers it
      if (durable >= batch) {
        return;
      }
      if (failure != null) {
        throw lost(failure);
      }
      if (closed) {
        throw new ClosedException(log); // close made everything appended durable; nothing is appended after
      }
      upTo = start();
    }
    fsync(upTo);
  }

  /**
   * Makes everything appended durable, so that a submitter still to call {@link #awaitDurable}
   * finds its batch covered and never touches the closed store. After an earlier failure it only
   * closes: every waiter for a batch that failure left behind gets it. Idempotent.
   *
   * @throws StorageException when this last fsync fails
   */
  void close() {
    long upTo;
    synchronized (this) {
      await(() -> running > 0);
      if (closed) {
        return;
      }
      closed = true;
      if (failure != null || durable >= appended) {
        return;
      }
      upTo = start();
    }
    fsync(upTo);
  }

  /**
   * Waits on this monitor while {@code condition} holds. Not interruptible: the wait lasts one
   * fsync, and giving up would fail submits that are durable.
   */
  private void await(java.util.function.BooleanSupplier condition) {
    boolean interrupted = false;
    while (condition.getAsBoolean()) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Notes an fsync about to start, holding the monitor; returns the newest batch it covers. */
  private long start() {
    long upTo = appended; // read before the fsync: these batches' lines are in the file
    covered = upTo;
    running++;
    return upTo;
  }

  /**
   * One fsync, outside the monitor so that waiters can see what it covers; then wakes them. Throws
   * when it failed, or when another one failed before it ended (see the class comment).
   */
  private void fsync(long upTo) {
    RuntimeException failed = null;
    boolean done = false;
    try {
      force.run();
      done = true;
    } catch (RuntimeException e) {
      failed = e;
    } finally {
      synchronized (this) {
        running--;
        if (!done && failure == null) {
          failure = failed != null ? failed : new IllegalStateException("the fsync was cut short by an error");
        }
        if (failure == null) {
          durable = Math.max(durable, upTo); // fsyncs may end out of order
        } else if (durable < upTo) {
          failed = failure;
        }
        notifyAll();
      }
    }
    if (failed != null) {
      throw lost(failed);
    }
  }

  /** A new exception for each waiter: one instance thrown in several threads would mix their traces. */
  private StorageException lost(RuntimeException cause) {
    return new StorageException(
        "could not make " + log + " durable (fsync failed: " + cause.getMessage() + "); the submits written"
            + " since its last fsync may not survive a crash", -1, cause);
  }
}
