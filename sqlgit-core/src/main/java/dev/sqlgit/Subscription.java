package dev.sqlgit;

/**
 * A listener's registration with a {@link LiveQuery}; {@link #close()} stops its deliveries.
 *
 * <pre>{@code
 * try (Subscription s = query.subscribe(rows -> view.show(rows))) {
 *   // ...
 * } // no call starts after close() returns (one already running may finish)
 * }</pre>
 *
 * <p>Thread-safe; {@link #close()} may be called from the listener itself.
 */
public interface Subscription extends AutoCloseable {

  /** Stops deliveries to this listener and forgets it. Idempotent. */
  @Override
  void close();
}
