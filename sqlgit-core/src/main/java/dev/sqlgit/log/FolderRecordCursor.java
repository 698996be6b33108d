package dev.sqlgit.log;

import java.util.NoSuchElementException;

/**
 * The records of a JSONL file from {@code fromSeq} on: seq is the 1-based ordinal of a complete,
 * non-blank line. Not thread-safe as an iterator; {@link #close} may come from any thread.
 */
final class FolderRecordCursor implements OpenStreams.Cursor {
  private final LineReader lines;
  private final long fromSeq;
  private long seq;

  FolderRecordCursor(LineReader lines, long fromSeq) {
    this.lines = lines;
    this.fromSeq = fromSeq;
  }

  @Override
  public synchronized boolean hasNext() {
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
    lines.close();
  }
}
