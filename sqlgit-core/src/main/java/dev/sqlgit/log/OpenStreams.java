package dev.sqlgit.log;

import java.util.Iterator;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The record streams a store has handed out and not yet seen closed, so that closing the store
 * releases their files or connections too. Thread-safe.
 */
final class OpenStreams {
  /** A cursor over records that holds a resource until closed; {@code close} is idempotent. */
  interface Cursor extends Iterator<LogRecord>, AutoCloseable {
    @Override
    void close();
  }

  private final Set<Cursor> open = ConcurrentHashMap.newKeySet();

  /** A sequential, ordered stream over {@code cursor} that closes it when the stream is closed. */
  Stream<LogRecord> stream(Cursor cursor) {
    open.add(cursor);
    Spliterator<LogRecord> records =
        Spliterators.spliteratorUnknownSize(
            cursor, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.IMMUTABLE);
    return StreamSupport.stream(records, false)
        .onClose(
            () -> {
              open.remove(cursor);
              cursor.close();
            });
  }

  /** Closes every stream still open. */
  void closeAll() {
    for (Cursor cursor : open) {
      open.remove(cursor);
      cursor.close();
    }
  }
}
