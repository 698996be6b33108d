package dev.sqlgit.log;

import dev.sqlgit.internal.sqlite.SqliteErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The complete lines of a JSONL file, read in chunks (memory stays flat however long the file), up
 * to the size the file had when opened: lines appended later are not seen, and a trailing line
 * without newline (a syncer mid-delivery, an append in progress, a torn write) is not returned.
 * Like {@code JsonlFile.read}, a trailing {@code \r} is dropped and blank lines are skipped.
 *
 * <p>It reads the file it opened: a rename over the path (an atomic replace) does not affect it.
 * Not thread-safe.
 */
final class LineReader implements Iterator<String>, AutoCloseable {
  private static final int CHUNK = 64 * 1024;

  private final Path file;
  private final FileChannel channel;
  private final long limit;
  private final byte[] chunk;
  private long position;
  private int chunkPos;
  private int chunkEnd;
  private byte[] line = new byte[256];
  private int lineLength;
  private String next;

  LineReader(Path file, FileChannel channel, long limit) {
    this.file = file;
    this.channel = channel;
    this.limit = limit;
    this.chunk = new byte[(int) Math.min(CHUNK, Math.max(limit, 1))];
  }

  /** Opens {@code file} for reading up to its current size, or empty when it does not exist. */
  static Optional<LineReader> open(Path file) {
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      try {
        return Optional.of(new LineReader(file, channel, channel.size()));
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw SqliteErrors.io("cannot read", file, e);
    }
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      next = readLine();
    }
    return next != null;
  }

  @Override
  public String next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    String line = next;
    next = null;
    return line;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw SqliteErrors.io("cannot close", file, e);
    }
  }

  private String readLine() {
    while (true) {
      if (chunkPos == chunkEnd && !fill()) {
        return null; // the bytes since the last newline are an incomplete line
      }
      int start = chunkPos;
      while (chunkPos < chunkEnd && chunk[chunkPos] != '\n') {
        chunkPos++;
      }
      buffer(start, chunkPos - start);
      if (chunkPos < chunkEnd) {
        chunkPos++; // the newline
        int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
        String text = new String(line, 0, length, StandardCharsets.UTF_8);
        lineLength = 0;
        if (!text.isBlank()) {
          return text;
        }
      }
    }
  }

  private void buffer(int from, int count) {
    if (lineLength + count > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + count));
    }
    System.arraycopy(chunk, from, line, lineLength, count);
    lineLength += count;
  }

  private boolean fill() {
    if (position >= limit) {
      return false;
    }
    try {
      int want = (int) Math.min(chunk.length, limit - position);
      int read = channel.read(ByteBuffer.wrap(chunk, 0, want), position);
      if (read <= 0) {
        return false; // the file shrank under us; what was read so far stands
      }
      position += read;
      chunkPos = 0;
      chunkEnd = read;
      return true;
    } catch (IOException e) {
      throw SqliteErrors.io("cannot read", file, e);
    }
  }
}
