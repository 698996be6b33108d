package dev.sqlgit.storage;

import java.time.Duration;
import java.util.Objects;

/**
 * One statement that ran through an {@link Instrumentation}-wrapped store: the SQL text as written
 * (with its {@code ?} placeholders), how many parameters were bound, and never their values, which
 * may carry secrets.
 *
 * <pre>{@code
 * Store store = Instrumentation.wrap(raw, e ->
 *     log.debug("{} {} rows in {} µs: {}", e.kind(), e.rows(), e.duration().toNanos() / 1000, e.sql()),
 *     0.01);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param sql the statement text, never null
 * @param paramCount how many parameters were bound
 * @param rows rows returned ({@link Kind#READ}) or changed ({@link Kind#WRITE})
 * @param duration how long the call took, mapping rows included, never null or negative
 * @param kind whether the statement was a query or a write
 */
public record QueryEvent(String sql, int paramCount, long rows, Duration duration, Kind kind) {

  /** Whether a statement read ({@code query}, {@code one}) or wrote ({@code exec}). */
  public enum Kind {
    READ,
    WRITE
  }

  /** Validates the event. */
  public QueryEvent {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(kind, "kind");
    if (paramCount < 0 || rows < 0 || duration.isNegative()) {
      throw new IllegalArgumentException(
          "negative paramCount, rows or duration: " + paramCount + ", " + rows + ", " + duration);
    }
  }
}
