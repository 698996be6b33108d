package dev.sqlgit.storage;

import dev.sqlgit.StorageException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit (SPEC §4): the first write opens one transaction on the {@link Writer}, later writes
 * from any thread join it, and one COMMIT (one fsync) ends the batch once it holds {@code maxBatch}
 * writes, {@code maxDelay} after it opened (on the {@code sqlgit-writequeue-<file>} thread), or on
 * {@link #flush()}.
 *
 * <p>A write runs at once on the writer, so it returns real changes and lastId and later reads on
 * the writer see it; a {@code tx(fn)} is a savepoint inside the batch, so one that throws undoes
 * only itself. The price is a durability window: a write returns before its batch commits, and a
 * crash before the commit loses the batch (SQLite rolls the open transaction back cleanly on the
 * next open). A batch that fails to commit, or that SQLite rolls back after an error, loses every
 * write in it; that failure is logged and thrown by the next {@link #flush()}.
 *
 * <p>Every method except {@link #hasPendingWritesOfCurrentThread()} must be called with the
 * writer's lock held.
 */
final class WriteQueue {
  private static final Logger LOG = LoggerFactory.getLogger(WriteQueue.class);

  private final Writer writer;
  private final int maxBatch;
  private final Duration maxDelay;
  private final ScheduledExecutorService timer;
  // The batch each thread last wrote in, so that its reads go to the writer while that batch is
  // open (read-your-writes) and to a reader once it committed.
  private final ThreadLocal<long[]> lastBatchOfThread = ThreadLocal.withInitial(() -> new long[1]);

  private volatile long openBatch; // id of the open batch, 0 when none is open
  private long batchCount;
  private int writes;
  private ScheduledFuture<?> commitTimer;
  private StorageException failure; // a lost batch not yet reported by flush()
  private boolean closed;

  WriteQueue(Writer writer, int maxBatch, Duration maxDelay, String fileName) {
    this.writer = writer;
    this.maxBatch = maxBatch;
    this.maxDelay = maxDelay;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sqlgit-writequeue-" + fileName);
              t.setDaemon(true);
              return t;
            });
  }

  /** Runs one write (a statement or a whole {@code tx}) inside the open batch, opening one. */
  <T> T write(Supplier<T> work) {
    if (openBatch == 0) {
      open();
    }
    T result;
    try {
      result = work.get();
    } catch (RuntimeException | Error e) {
      if (writer.transactionLost()) {
        batchLost("SQLite rolled back the batch after an error", e);
      }
      throw e;
    }
    lastBatchOfThread.get()[0] = openBatch;
    if (++writes >= maxBatch) {
      commit();
    }
    return result;
  }

  /** Whether the calling thread wrote in the batch that is open now. Any thread may call this. */
  boolean hasPendingWritesOfCurrentThread() {
    long open = openBatch;
    return open != 0 && lastBatchOfThread.get()[0] == open;
  }

  /** Commits the open batch, then reports a batch lost since the previous flush. */
  void flush() {
    if (openBatch != 0) {
      commit();
    }
    if (failure != null) {
      StorageException lost = failure;
      failure = null;
      throw lost;
    }
  }

  /** Flushes, then stops the commit thread. Idempotent. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      flush();
    } finally {
      timer.shutdownNow();
    }
  }

  private void open() {
    writer.begin();
    writes = 0;
    long id = ++batchCount;
    openBatch = id;
    commitTimer = timer.schedule(() -> commitWhenDue(id), maxDelay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void commit() {
    commitTimer.cancel(false);
    int size = writes;
    try {
      writer.commit();
    } catch (StorageException e) {
      throw batchLost("the batch failed to commit", e);
    } finally {
      openBatch = 0;
      writes = 0;
    }
    LOG.trace("committed a batch of {} writes", size);
  }

  private StorageException batchLost(String why, Throwable cause) {
    writer.rollback();
    StorageException lost =
        new StorageException(
            "write queue: " + why + "; the " + writes + " writes it held were not kept",
            cause instanceof StorageException ? ((StorageException) cause).resultCode() : -1,
            cause);
    LOG.warn("{}", lost.getMessage(), cause);
    openBatch = 0;
    writes = 0;
    failure = lost;
    return lost;
  }

  // Runs on the timer thread; waits for the writer, so it never commits in the middle of a tx.
  private void commitWhenDue(long id) {
    writer.lock();
    try {
      if (!closed && openBatch == id) {
        commit();
      }
    } catch (StorageException e) {
      // already recorded for the next flush() and logged by batchLost
    } finally {
      writer.unlock();
    }
  }
}
