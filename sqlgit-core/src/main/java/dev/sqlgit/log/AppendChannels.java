package dev.sqlgit.log;

import dev.sqlgit.internal.log.JsonlFile;
import dev.sqlgit.internal.sqlite.SqliteErrors;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The log files a {@link FolderLogStore} appends to, kept open between appends: opening and
 * closing a file costs about as much as writing a batch of lines to it, and a group-committing
 * replica appends, then fsyncs, every few hundred microseconds. A file is reused only while it is
 * the file the path names (same file key as the caller's fresh {@code stat}); a replace or a
 * delete through the store closes it. Appends run under the store's write lock; {@link #force}
 * runs alongside them. Thread-safe.
 */
final class AppendChannels implements AutoCloseable {
  private record Open(FileChannel channel, Object fileKey) {}

  private final Map<Path, Open> open = new ConcurrentHashMap<>();

  /**
   * Appends {@code lines} to {@code file}, fsynced or not, all or nothing (see {@link
   * JsonlFile#append}). {@code fileKey}: the file key a {@code stat} of the path just returned, or
   * null when unknown or the file does not exist yet.
   */
  void append(Path file, Object fileKey, List<String> lines, boolean force) {
    Open current = open.get(file);
    if (current == null || fileKey == null || !fileKey.equals(current.fileKey())) {
      forget(file);
      current = null;
    }
    try {
      if (current == null) {
        FileChannel ch = FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        Object key = LogFileState.attributes(file).map(a -> a.fileKey()).orElse(null);
        current = new Open(ch, key);
        if (key != null) {
          open.put(file, current);
        }
      }
      try {
        JsonlFile.append(current.channel(), lines, force);
      } finally {
        if (current.fileKey() == null) {
          current.channel().close(); // no file keys here: a replace would go unnoticed
        }
      }
    } catch (IOException e) {
      forget(file);
      throw SqliteErrors.io("cannot append to", file, e);
    }
  }

  /**
   * Fsyncs {@code file}: through the open channel when there is one (it flushes the file it
   * appended to; a file renamed over it since was fsynced by whoever wrote it), else by path.
   */
  void force(Path file) {
    Open current = open.get(file);
    if (current != null) {
      try {
        current.channel().force(false);
        return;
      } catch (ClosedChannelException e) {
        // closed by a replace or a close meanwhile: force by path
      } catch (IOException e) {
        throw SqliteErrors.io("cannot fsync", file, e);
      }
    }
    JsonlFile.force(file);
  }

  /** Closes {@code file}'s channel, if open (the path is about to name another file, or none). */
  void forget(Path file) {
    Open removed = open.remove(Objects.requireNonNull(file));
    if (removed != null) {
      try {
        removed.channel().close();
      } catch (IOException e) {
        // nothing was written through it since the last append, which either succeeded or threw
      }
    }
  }

  @Override
  public void close() {
    open.keySet().forEach(this::forget);
  }
}
