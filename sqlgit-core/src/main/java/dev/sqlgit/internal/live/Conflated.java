package dev.sqlgit.internal.live;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task on an executor after each {@link #signal()}, conflating signals: however many
 * arrive, at most one run is queued, runs never overlap, and a signal that arrives during a run
 * causes exactly one more run after it (re-queued, so other work on a single thread gets a turn).
 * This is how invalidations are conflated per query and deliveries per subscriber (STYLE §7).
 *
 * <p>Thread-safe.
 */
final class Conflated implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Conflated.class);
  private static final int IDLE = 0;
  private static final int QUEUED = 1;
  private static final int RUNNING = 2;
  private static final int RUN_AGAIN = 3;

  private final Executor executor;
  private final Runnable task;
  private final AtomicInteger state = new AtomicInteger(IDLE);

  Conflated(Executor executor, Runnable task) {
    this.executor = executor;
    this.task = task;
  }

  /** Makes sure the task runs (again) after this call, on the executor. Never blocks on the task. */
  void signal() {
    while (true) {
      int s = state.get();
      if (s == IDLE) {
        if (state.compareAndSet(IDLE, QUEUED)) {
          enqueue();
          return;
        }
      } else if (s == RUNNING) {
        if (state.compareAndSet(RUNNING, RUN_AGAIN)) {
          return;
        }
      } else {
        return; // QUEUED or RUN_AGAIN: a run that will see this signal's cause is coming
      }
    }
  }

  @Override
  public void run() {
    state.set(RUNNING);
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.warn("live query task failed", e);
    } finally {
      if (!state.compareAndSet(RUNNING, IDLE)) {
        state.set(QUEUED);
        enqueue();
      }
    }
  }

  private void enqueue() {
    try {
      executor.execute(this);
    } catch (RejectedExecutionException e) {
      state.set(IDLE); // the executor is shutting down with its peer: nothing left to deliver
    }
  }
}
