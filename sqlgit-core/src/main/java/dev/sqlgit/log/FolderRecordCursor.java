package dev.sqlgit.log;

import dev.sqlgit.ClosedException;
import java.util.NoSuchElementException;

/**
 * The records of a JSONL file from {@code fromSeq} on: seq is the 1-based ordinal of a complete,
 * non-blank line. Iterating after {@link #close} (the stream's or the store's) throws {@link
 * ClosedException}. Thread-safe, so that the store may close it while another thread iterates.
 */
final class FolderRecordCursor implements OpenStreams.Cursor {
  private final LineReader lines;
  private final long fromSeq;
  private long seq;
  private boolean closed;

  FolderRecordCursor(LineReader lines, long fromSeq) {
    this.lines = lines;
    this.fromSeq = fromSeq;
  }

  @Override
  public synchronized boolean hasNext() {
    if (closed) {
      throw new ClosedException("record stream"); // not a silent end: records would be missing
    }
    while (seq + 1 < fromSeq && lines.hasNext()) {
      lines.next();
      seq++;
    }
    return lines.hasNext();
  }

  @Override
  public synchronized LogRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    String data = lines.next();
    return new LogRecord(++seq, data);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      lines.close();
    }
  }
}
