package dev.sqlgit.internal.live;

import dev.sqlgit.LiveQueryException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain listener's mailbox: every result goes to the listener, failures to the optional error
 * callback. An exception a callback throws is logged and does not end the subscription.
 */
final class ListenerDelivery<T> extends Delivery<T> {
  private static final Logger LOG = LoggerFactory.getLogger(ListenerDelivery.class);

  private final Consumer<? super T> listener;
  private final Consumer<? super LiveQueryException> onError;

  ListenerDelivery(
      Executor executor,
      Consumer<Delivery<T>> onClose,
      Consumer<? super T> listener,
      Consumer<? super LiveQueryException> onError) {
    super(executor, onClose);
    this.listener = listener;
    this.onError = onError;
  }

  @Override
  void started() {}

  @Override
  boolean ready() {
    return true;
  }

  @Override
  void deliver(T result) {
    try {
      listener.accept(result);
    } catch (RuntimeException e) {
      LOG.warn("a live query listener threw; it stays subscribed", e);
    }
  }

  @Override
  void failed(LiveQueryException error) {
    if (onError == null) {
      LOG.warn("{} (keeping the last good result)", error.getMessage(), error);
      return;
    }
    try {
      onError.accept(error);
    } catch (RuntimeException e) {
      LOG.warn("a live query error callback threw", e);
    }
  }

  @Override
  void finished() {}
}
