package dev.sqlgit.log;

import dev.sqlgit.StorageException;
import dev.sqlgit.internal.sqlite.SqliteErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.Optional;

/**
 * What a scan of one JSONL log file found: which file it was ({@code fileKey}, the inode where the
 * platform has one), its size and modification time, how many complete records it holds, and its
 * {@link LogMeta#generation() generation}. {@code ownAppend}: the state was recorded right after
 * this process appended whole lines, so the file ends with a complete line (a scan cannot tell:
 * it skips a torn last line). Immutable.
 *
 * <p>The generation hashes the file key with the first record; {@link FolderLogStore} explains why
 * and its limits.
 */
record LogFileState(
    Object fileKey, long size, FileTime modified, long count, long generation, boolean ownAppend) {
  private static final int ATTEMPTS = 10;

  /** Whether {@code now} (fresh attributes of the same path) shows the file this state scanned. */
  boolean describes(BasicFileAttributes now) {
    // An append changes the size and the time, a replace the file key. Without a file key a
    // replace of the same size and time would go unnoticed, so nothing is trusted then.
    return fileKey != null
        && fileKey.equals(now.fileKey())
        && size == now.size()
        && modified.equals(now.lastModifiedTime());
  }

  /** The state after this process appended {@code line} to the file it describes. */
  LogFileState plus(String line, BasicFileAttributes now) {
    long newGeneration = count == 0 ? generation(fileKey, line) : generation;
    return new LogFileState(fileKey, now.size(), now.lastModifiedTime(), count + 1, newGeneration, true);
  }

  /**
   * Scans {@code file}: counts its complete, non-blank lines and hashes the first. The reader keeps
   * the file it opened even if a writer renames a new one over the path meanwhile, so it is enough
   * that the path still names that same file just after opening it (a window of microseconds,
   * retried when a replace lands inside it): then the count, size and file key belong together.
   */
  static Optional<LogFileState> scan(Path file) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Optional<BasicFileAttributes> before = attributes(file);
      if (before.isEmpty()) {
        return Optional.empty();
      }
      Optional<LineReader> opened = LineReader.open(file);
      if (opened.isEmpty()) {
        return Optional.empty();
      }
      try (LineReader lines = opened.get()) {
        Optional<BasicFileAttributes> after = attributes(file);
        Object key = before.get().fileKey();
        if (after.isEmpty() || !Objects.equals(key, after.get().fileKey())) {
          continue; // replaced between the look and the open: which file we hold is unknown
        }
        long count = 0;
        String first = null;
        while (lines.hasNext()) {
          String line = lines.next();
          first = count == 0 ? line : first;
          count++;
        }
        // The size and time come from before the scan: if an append landed meanwhile, the next
        // look sees a mismatch and scans again rather than trusting a count that is too low.
        BasicFileAttributes a = before.get();
        return Optional.of(
            new LogFileState(key, a.size(), a.lastModifiedTime(), count, generation(key, first), false));
      }
    }
    throw new StorageException(
        file + " was replaced during each of " + ATTEMPTS + " attempts to open it", -1, null);
  }

  /** The attributes of {@code file}, or empty when it does not exist. */
  static Optional<BasicFileAttributes> attributes(Path file) {
    try {
      return Optional.of(Files.readAttributes(file, BasicFileAttributes.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw SqliteErrors.io("cannot read attributes of", file, e);
    }
  }

  static long generation(Object fileKey, String firstLine) {
    long h = fnv(0xcbf29ce484222325L, String.valueOf(fileKey));
    h = fnv(h ^ '\n', firstLine == null ? "" : firstLine);
    return h & Long.MAX_VALUE;
  }

  private static long fnv(long hash, String text) {
    long h = hash;
    for (int i = 0; i < text.length(); i++) {
      h ^= text.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }
}
