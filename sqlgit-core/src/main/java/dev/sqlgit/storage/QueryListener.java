package dev.sqlgit.storage;

/**
 * Receives a {@link QueryEvent} for each sampled statement of an {@link Instrumentation}-wrapped
 * store: {@code Instrumentation.wrap(store, queryLog::record, 1.0)}.
 *
 * <p>Called on the thread that ran the statement, after it returned (inside {@code tx} the writer
 * is still held), so it should be quick; hand slow work to another thread. May be called from
 * several threads at once. An exception it throws is logged, not passed to the caller, whose
 * statement already ran.
 */
@FunctionalInterface
public interface QueryListener {

  /** A statement ran. {@code event} is never null. */
  void queryExecuted(QueryEvent event);
}
