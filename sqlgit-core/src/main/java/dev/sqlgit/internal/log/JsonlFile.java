package dev.sqlgit.internal.log;

import dev.sqlgit.internal.sqlite.SqliteErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A JSON-lines file with one writer. Readers see complete lines only: a trailing line without a
 * newline (a syncer delivering the file mid-append, or a torn write) is left for a later read.
 * Appends are fsynced (or, for group commit, fsynced later by {@link #force}); a failed append is
 * truncated away; rewrites go through temp + fsync + rename so readers see the old or the new
 * file, never a mix.
 */
public final class JsonlFile {
  private JsonlFile() {}

  /** The complete lines of {@code file} (none when it does not exist). Blank lines are skipped. */
  public static List<JsonLine> read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw SqliteErrors.io("cannot read", file, e);
    }
    List<JsonLine> lines = new ArrayList<>();
    eachLine(bytes, 0, 0, (line, offset) -> lines.add(line));
    return lines;
  }

  /** Receives a complete, non-blank line and the offset where it starts. */
  private interface LineSink {
    void line(JsonLine line, int offset);
  }

  /**
   * Hands {@code sink} each complete, non-blank line of {@code bytes} from {@code start} on,
   * numbering lines after {@code number} (blank ones count) and dropping a trailing {@code \r}.
   */
  private static void eachLine(byte[] bytes, int start, int number, LineSink sink) {
    for (int i = start; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        number++;
        int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
        String text = new String(bytes, start, end - start, StandardCharsets.UTF_8);
        if (!text.isBlank()) {
          sink.line(new JsonLine(number, text), start);
        }
        start = i + 1;
      }
    }
  }

  /**
   * The complete lines after the first line that reads exactly {@code anchor}, each with its byte
   * offset, or empty when no line does. {@code offsetHint} and {@code numberHint} say where the
   * anchor was last seen (offset -1: unknown): when it is still there, only the bytes from there
   * on are read, so an append-only file costs what was appended since. Otherwise the whole file is
   * scanned (lines compared, not parsed).
   */
  public static Optional<Tail> linesAfter(Path file, String anchor, long offsetHint, int numberHint) {
    byte[] wanted = (anchor + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (offsetHint >= 0 && offsetHint + wanted.length <= size) {
        byte[] at = readFully(ch, offsetHint, wanted.length);
        if (java.util.Arrays.equals(at, wanted)) {
          byte[] rest = readFully(ch, offsetHint, Math.toIntExact(size - offsetHint));
          return Optional.of(Tail.of(rest, offsetHint, numberHint, wanted.length));
        }
      }
      byte[] all = readFully(ch, 0, Math.toIntExact(size));
      int number = 0;
      int start = 0;
      for (int i = 0; i < all.length; i++) {
        if (all[i] == '\n') {
          number++;
          if (i + 1 - start == wanted.length
              && java.util.Arrays.equals(all, start, i + 1, wanted, 0, wanted.length)) {
            byte[] rest = java.util.Arrays.copyOfRange(all, start, all.length);
            return Optional.of(Tail.of(rest, start, number, wanted.length));
          }
          start = i + 1;
        }
      }
      return Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw SqliteErrors.io("cannot read", file, e);
    }
  }

  /** The lines after an anchor line: their text and line numbers, and where each starts. */
  public record Tail(List<JsonLine> lines, List<Long> offsets, long anchorOffset, int anchorNumber) {
    /** {@code bytes} start with the anchor line ({@code anchorLength} bytes with its newline). */
    static Tail of(byte[] bytes, long anchorOffset, int anchorNumber, int anchorLength) {
      List<JsonLine> lines = new ArrayList<>();
      List<Long> offsets = new ArrayList<>();
      eachLine(bytes, anchorLength, anchorNumber, (line, offset) -> {
        lines.add(line);
        offsets.add(anchorOffset + offset);
      });
      return new Tail(List.copyOf(lines), List.copyOf(offsets), anchorOffset, anchorNumber);
    }
  }

  private static byte[] readFully(FileChannel ch, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (ch.read(buffer, position + buffer.position()) < 0) {
        break; // the file shrank meanwhile: what was read is what there is
      }
    }
    return java.util.Arrays.copyOf(buffer.array(), buffer.position());
  }

  /**
   * Cuts a torn last line (no newline) off a file this process is the only writer of. Returns the
   * number of bytes removed. Such a line was never acknowledged: its append did not return.
   */
  public static long repairTail(Path file) {
    if (!Files.exists(file)) {
      return 0;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long keep = size;
      ByteBuffer one = ByteBuffer.allocate(1);
      while (keep > 0) {
        one.clear();
        ch.read(one, keep - 1);
        if (one.get(0) == '\n') {
          break;
        }
        keep--;
      }
      if (keep < size) {
        ch.truncate(keep);
        ch.force(true);
      }
      return size - keep;
    } catch (IOException e) {
      throw SqliteErrors.io("cannot repair", file, e);
    }
  }

  /**
   * Deletes temp files that interrupted atomic writes of {@code file} left next to it ({@code
   * .<name>.<random>.tmp}); returns how many. Only the file's writer may call it, when no write of
   * its own is under way: a syncer would carry the deletion to other copies.
   */
  public static int removeStaleTemps(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    String prefix = "." + file.getFileName() + ".";
    int removed = 0;
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (var temps = Files.newDirectoryStream(dir, p -> {
      String name = p.getFileName().toString();
      return name.startsWith(prefix) && name.endsWith(".tmp");
    })) {
      for (Path t : temps) {
        Files.deleteIfExists(t);
        removed++;
      }
    } catch (IOException e) {
      throw SqliteErrors.io("cannot clean temp files in", dir, e);
    }
    return removed;
  }

  /** Appends {@code lines} (each without newline) and fsyncs; all or nothing. */
  public static void append(Path file, List<String> lines) {
    try (FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      append(ch, lines, true);
    } catch (IOException e) {
      throw SqliteErrors.io("cannot append to", file, e);
    }
  }

  /**
   * Makes what was written to {@code file} durable: fsync flushes the file itself (its inode), so
   * a descriptor opened now flushes what another descriptor wrote. A file that a rewrite replaced
   * meanwhile (temp, fsync, rename) is forced again although it is durable already: harmless, and
   * the lines appended to the old file were read into the new one or dropped on purpose. A file
   * that no longer exists has nothing left to make durable.
   */
  public static void force(Path file) {
    // WRITE, not READ: some platforms (Windows) flush only through a descriptor open for writing.
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(false);
    } catch (NoSuchFileException e) {
      // deleted: see above
    } catch (IOException e) {
      throw SqliteErrors.io("cannot fsync", file, e);
    }
  }

  /**
   * Appends {@code lines} (each without newline) through {@code ch}, opened for appending, and
   * fsyncs when {@code force}; all or nothing: a failed write is truncated away.
   */
  public static void append(FileChannel ch, List<String> lines, boolean force) throws IOException {
    byte[] bytes = join(lines);
    long before = ch.size();
    try {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      if (force) {
        ch.force(false);
      }
    } catch (IOException e) {
      // A partial append must not stay behind: the next append would glue onto it.
      try {
        ch.truncate(before);
        ch.force(false);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Replaces {@code file} with {@code lines} atomically and durably. */
  public static void rewrite(Path file, List<String> lines) {
    writeAtomically(file, join(lines));
  }

  /** Replaces {@code file} with {@code bytes}: temp file, fsync, rename, fsync of the folder. */
  public static void writeAtomically(Path file, byte[] bytes) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp =
        dir.resolve(
            "." + file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      moveIntoPlace(tmp, file);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw SqliteErrors.io("cannot write", file, e);
    }
  }

  /**
   * Renames a fully written and fsynced {@code tmp} over {@code file} (atomically where the file
   * system can) and fsyncs the folder, so the new content survives a crash.
   */
  public static void moveIntoPlace(Path tmp, Path file) throws IOException {
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory(file.toAbsolutePath().getParent());
  }

  /** Makes a rename or delete in {@code dir} durable, where the platform allows it. */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory for fsync; the rename itself is still atomic.
    }
  }

  private static byte[] join(List<String> lines) {
    StringBuilder sb = new StringBuilder();
    for (String line : lines) {
      if (line.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("a log line cannot contain a newline");
      }
      sb.append(line).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
