package dev.sqlgit;

import java.util.Set;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * A query that stays up to date: SQLite tells which tables it reads, and it re-runs only after a
 * committed submit or sync changed one of them, emitting only when its result changed. Rows that
 * did not change keep their object identity across results (the same {@link Row} or record
 * instance), so a UI can compare by reference and re-render only what moved.
 *
 * <pre>{@code
 * try (LiveQuery<List<Row>> rich = peer.live("SELECT id, balance FROM accounts WHERE balance > ?", 100);
 *     Subscription s = rich.subscribe(rows -> render(rows), error -> log(error))) {
 *   peer.submit("deposit", new Move("t1", "acc", 500)); // render(...) runs again, off this thread
 *   List<Row> now = rich.current();                    // already includes t1
 * }
 * }</pre>
 *
 * <p><b>Delivery.</b> Listeners and {@link Flow.Subscriber}s run on the peer's live executor (see
 * {@link PeerOptions.Builder#liveExecutor}), never on the thread that submits or syncs, and never
 * concurrently with themselves. Each one first gets the current result, then one call per changed
 * result. A slow listener does not hold anything up: results that change while it is busy are
 * coalesced, and it next gets the latest one, not a backlog (this applies to the first call too).
 *
 * <p><b>Failures.</b> When a re-run fails (say an action dropped a table the query reads), the
 * query keeps its last good result, reports a {@link LiveQueryException} to the error callbacks of
 * {@link #subscribe(Consumer, Consumer)} (or logs it when there are none), and tries again at the
 * next change of a table it reads. Flow subscribers are not told: {@code onError} would end them.
 *
 * <p><b>Lifetime.</b> {@link #close()} unsubscribes everyone (Flow subscribers get {@code
 * onComplete}) and drops the query from the peer; closing the peer closes its live queries.
 *
 * <p>Thread-safe.
 *
 * @param <T> the result: a {@code List} of rows or records, or an {@code Optional} record
 */
public interface LiveQuery<T> extends AutoCloseable {

  /**
   * The latest result; never null. It includes every submit and sync that returned before this
   * call: when a change the query depends on is still waiting for its re-run, the query re-runs
   * now, on the calling thread. When that re-run fails, the last good result is returned.
   *
   * @throws ClosedException when the query or its peer is closed
   */
  T current();

  /**
   * Calls {@code listener} with the current result right away (on the live executor), then once
   * per changed result, until the returned subscription is closed. Failures are logged.
   *
   * @throws ClosedException when the query or its peer is closed
   */
  Subscription subscribe(Consumer<? super T> listener);

  /**
   * Like {@link #subscribe(Consumer)}, and reports each failed re-run to {@code onError} (on the
   * live executor); the query keeps its last good result and carries on.
   */
  Subscription subscribe(Consumer<? super T> listener, Consumer<? super LiveQueryException> onError);

  /**
   * The results as a {@link Flow.Publisher}: each subscriber gets the current result and then
   * changed ones, as its {@code request(n)} allows; without demand only the latest result is kept.
   * {@code cancel()} unsubscribes; {@link #close()} completes every subscriber.
   */
  Flow.Publisher<T> publisher();

  /**
   * The lower-case names of the tables the query reads, as SQLite resolved them (views,
   * subqueries, CTEs and joins down to base tables), from the latest run. {@code "*"} means SQLite's
   * program could not be analysed and the query re-runs after every change.
   */
  Set<String> dependencies();

  /**
   * Marks the result stale and re-runs the query soon, on the live executor. Never needed for
   * submits and syncs (they invalidate exactly what they changed); useful after changes sqlgit
   * cannot see.
   */
  void invalidate();

  /** Unsubscribes every listener and subscriber and releases the query. Idempotent. */
  @Override
  void close();
}
