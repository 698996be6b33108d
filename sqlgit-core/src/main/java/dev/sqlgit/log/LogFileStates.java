package dev.sqlgit.log;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The last known {@link LogFileState} of each log file, so that {@code currentMeta} and {@code
 * append} need one {@code stat} instead of a scan while a file is unchanged. An entry is trusted
 * only while the file's key, size and modification time still match it; files are only appended to
 * in place or replaced by rename (SPEC §1), so a match means the same complete lines. Entries check
 * themselves, so racing updates at worst cause a rescan. Thread-safe.
 */
final class LogFileStates {
  private final ConcurrentMap<Path, LogFileState> known = new ConcurrentHashMap<>();

  /** The current state of {@code file}, or empty when it does not exist. */
  Optional<LogFileState> current(Path file) {
    Optional<BasicFileAttributes> now = LogFileState.attributes(file);
    if (now.isEmpty()) {
      known.remove(file);
      return Optional.empty();
    }
    LogFileState cached = known.get(file);
    if (cached != null && cached.describes(now.get())) {
      return Optional.of(cached);
    }
    Optional<LogFileState> scanned = LogFileState.scan(file);
    scanned.ifPresentOrElse(s -> known.put(file, s), () -> known.remove(file));
    return scanned;
  }

  /**
   * Records that this process appended {@code line} to {@code file}, last seen as {@code before}.
   */
  void appended(Path file, LogFileState before, java.util.List<String> lines) {
    Optional<BasicFileAttributes> now = LogFileState.attributes(file);
    if (before != null
        && now.isPresent()
        && before.fileKey() != null
        && before.fileKey().equals(now.get().fileKey())) {
      LogFileState after = before;
      for (String line : lines) {
        after = after.plus(line, now.get());
      }
      known.put(file, after);
    } else {
      known.remove(file); // created by this append, or no file keys here: scan on next use
    }
  }

  void forget(Path file) {
    known.remove(file);
  }
}
