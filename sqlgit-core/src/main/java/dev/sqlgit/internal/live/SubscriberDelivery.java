package dev.sqlgit.internal.live;

import dev.sqlgit.LiveQueryException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Flow.Subscriber}'s mailbox and its {@link Flow.Subscription}: {@code onSubscribe} first,
 * then {@code onNext} only as {@code request(n)} allows (without demand the latest result waits,
 * replacing older ones), {@code onComplete} when the query closes. Signals are serial, on the live
 * executor. {@code request(n <= 0)} ends the subscription with {@code IllegalArgumentException}
 * (Reactive Streams rule 3.9). Failed re-runs are not signalled: {@code onError} is terminal.
 */
final class SubscriberDelivery<T> extends Delivery<T> implements Flow.Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriberDelivery.class);

  private final Flow.Subscriber<? super T> subscriber;
  private final AtomicLong demand = new AtomicLong();
  private volatile Long badRequest; // the first non-positive n requested, if any

  SubscriberDelivery(Executor executor, Consumer<Delivery<T>> onClose, Flow.Subscriber<? super T> subscriber) {
    super(executor, onClose);
    this.subscriber = subscriber;
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      if (badRequest == null) {
        badRequest = n;
      }
    } else {
      demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
    }
    wake();
  }

  @Override
  public void cancel() {
    close();
  }

  @Override
  void started() {
    call(() -> subscriber.onSubscribe(this));
  }

  @Override
  boolean ready() {
    Long n = badRequest;
    if (n != null) {
      close();
      call(() -> subscriber.onError(new IllegalArgumentException("request(" + n + "): n must be positive (rule 3.9)")));
      return false;
    }
    return demand.get() > 0;
  }

  @Override
  void deliver(T result) {
    demand.decrementAndGet();
    call(() -> subscriber.onNext(result));
  }

  @Override
  void failed(LiveQueryException error) {
    LOG.debug("not signalled to a Flow subscriber (onError is terminal): {}", error.getMessage());
  }

  @Override
  void finished() {
    call(subscriber::onComplete);
  }

  private void call(Runnable signal) {
    try {
      signal.run();
    } catch (RuntimeException e) {
      // Rule 2.13: a subscriber must not throw; treat it as cancelled.
      LOG.warn("a Flow subscriber threw; cancelling it", e);
      close();
    }
  }
}
