package dev.sqlgit.internal.live;

import dev.sqlgit.LiveQueryException;
import dev.sqlgit.Subscription;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One subscriber's mailbox: it holds only the latest result (or failure) not yet handed over, and
 * drains on the live executor, one call at a time. A result staged while the subscriber is busy
 * replaces the one waiting, so a slow subscriber gets the latest result, never a backlog.
 *
 * <p>Thread-safe: {@code stage}, {@code wake}, {@code finish} and {@code close} may come from any
 * thread; the subscriber's callbacks run only inside {@link #drain()}.
 */
abstract class Delivery<T> implements Subscription {
  private record Failure(LiveQueryException error) {}

  private final AtomicReference<Object> pending = new AtomicReference<>();
  private final Conflated drain;
  private final Consumer<Delivery<T>> onClose;
  private volatile boolean closed;
  private volatile boolean finishing;
  private boolean started; // drain-confined
  private boolean terminated; // drain-confined
  private Object lastDelivered; // drain-confined

  Delivery(Executor executor, Consumer<Delivery<T>> onClose) {
    this.drain = new Conflated(executor, this::drain);
    this.onClose = onClose;
  }

  /**
   * Puts {@code result} in the mailbox, replacing any result still waiting; {@link #wake()} then
   * hands it over. Split in two so a query can stage results in order under its run lock and wake
   * subscribers after releasing it (an executor may run the drain on the calling thread).
   */
  final void stage(T result) {
    pending.set(result);
  }

  /** Puts a failed re-run in the mailbox, replacing any result still waiting; then {@link #wake()}. */
  final void stageFailure(LiveQueryException error) {
    pending.set(new Failure(error));
  }

  /** The query closed: stop, and tell the subscriber when it wants to know ({@code onComplete}). */
  final void finish() {
    finishing = true;
    drain.signal();
  }

  @Override
  public final void close() {
    if (!closed) {
      closed = true;
      onClose.accept(this);
      drain.signal();
    }
  }

  final boolean isClosed() {
    return closed;
  }

  /** Drains the mailbox soon, on the executor (after a stage, or new demand). */
  final void wake() {
    drain.signal();
  }

  @SuppressWarnings("unchecked")
  private void drain() {
    if (terminated) {
      return;
    }
    if (!started) {
      started = true;
      started();
    }
    if (closed) {
      terminated = true;
      return;
    }
    if (finishing) {
      terminated = true;
      finished();
      return;
    }
    boolean ready = ready(); // may end the subscription (a Flow rule violation)
    if (closed) {
      terminated = true;
      return;
    }
    Object next = pending.get();
    if (next instanceof Failure) {
      if (pending.compareAndSet(next, null)) {
        failed(((Failure) next).error());
      }
    } else if (next == lastDelivered) {
      pending.compareAndSet(next, null); // offered again (a subscribe racing a re-run): seen already
    } else if (next != null && ready && pending.compareAndSet(next, null)) {
      lastDelivered = next;
      deliver((T) next);
    }
  }

  /** First thing on the executor, before any result (a Flow subscriber's {@code onSubscribe}). */
  abstract void started();

  /** Whether the subscriber wants a result now (Flow demand). */
  abstract boolean ready();

  abstract void deliver(T result);

  abstract void failed(LiveQueryException error);

  /** The query closed (a Flow subscriber's {@code onComplete}). */
  abstract void finished();
}
