package dev.sqlgit.log;

import java.util.Objects;

/**
 * One record of a {@link LogStore} document: its seq (from 1) and its data (one JSON text, never
 * null).
 *
 * <pre>{@code
 * try (Stream<LogRecord> records = logs.loadFrom("bob", lastSeen + 1)) {
 *   records.forEach(r -> apply(r.data()));
 * }
 * }</pre>
 *
 * <p>Immutable.
 */
public record LogRecord(long seq, String data) {
  public LogRecord {
    Objects.requireNonNull(data, "data");
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1: " + seq);
    }
  }
}
