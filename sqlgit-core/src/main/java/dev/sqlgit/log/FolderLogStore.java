package dev.sqlgit.log;

import dev.sqlgit.ClosedException;
import dev.sqlgit.internal.log.ClusterLayout;
import dev.sqlgit.internal.log.JsonlFile;
import dev.sqlgit.internal.sqlite.SqliteErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A {@link LogStore} over a cluster root (SPEC §1): document {@code id} is the file {@code
 * root/peers/<id>.jsonl}, and a record is one line of it. Ids must match {@code
 * [A-Za-z0-9][A-Za-z0-9_-]{0,63}} (anything else is an {@link IllegalArgumentException}); other
 * files in {@code peers/} (a syncer's conflict copies, temp files) are not documents.
 *
 * <pre>{@code
 * try (FolderLogStore logs = FolderLogStore.open(Path.of("/shared/cluster"))) {
 *   long seq = logs.append("alice", "{\"kind\":\"action\",\"seq\":1}");   // peers/alice.jsonl
 *   for (String peer : logs.listDocIds("")) {
 *     try (Stream<LogRecord> records = logs.loadAll(peer)) {
 *       records.forEach(System.out::println);
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>A record's seq is the 1-based ordinal of its line among the file's complete, non-blank lines.
 * Readers ignore a trailing line without newline (a syncer still delivering the file, an append in
 * progress) and see it once it is complete. {@link #append} is an fsynced append of one line
 * ({@link #appendAllDeferred} leaves the fsync to {@link #force}); a torn last line left by an
 * append that never returned is cut off first (this store is the file's only writer; once it has
 * appended, it trusts its own tail while the file's key, size and time are still those its append
 * left). {@link #replace} writes a temp file, fsyncs and renames it
 * over the log. A record stream reads the file as it was when opened.
 *
 * <p>The {@link LogMeta#generation() generation} has to be seen by other processes too, and the
 * file is all they share, so it is derived from the file: a hash of its file key (the inode, on
 * platforms that have one) and its first record. A replace renames a new file over the old one; the
 * new file was created while the old one still existed, so its file key differs and the generation
 * changes on every replace. Appends write in place and keep both, so they keep the generation
 * (except the very first record of an empty document, which changes it: a reader had nothing to
 * re-read). Limits: a syncer that delivers the file by rename changes the generation without a
 * replace (a harmless "start over"); a file key recycled by the file system across two replaces,
 * with the same first record, repeats an earlier generation, so a reader that slept through both
 * replaces would not notice; on platforms without file keys (Windows) only the first record counts.
 * A counter in memory would not do: it is not seen by other processes and does not survive a
 * restart.
 *
 * <p>Thread-safe: writes are serialised by a lock, reads run in parallel with them. Several
 * processes may read the same root; each file must have one writer.
 */
public final class FolderLogStore implements LogStore {
  private final ClusterLayout layout;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final LogFileStates states = new LogFileStates();
  private final OpenStreams streams = new OpenStreams();
  private final AppendChannels channels = new AppendChannels();
  private volatile boolean closed;

  private FolderLogStore(ClusterLayout layout) {
    this.layout = layout;
  }

  /**
   * Opens the cluster root {@code root}, creating it and {@code peers/} when missing.
   *
   * @throws dev.sqlgit.StorageException when the folders cannot be created
   */
  public static FolderLogStore open(Path root) {
    ClusterLayout layout = new ClusterLayout(Objects.requireNonNull(root, "root"));
    layout.create();
    return new FolderLogStore(layout);
  }

  @Override
  public long append(String docId, String data) {
    return appendAll(docId, List.of(data));
  }

  /** One fsynced write of every line; a failed write is truncated away. */
  @Override
  public long appendAll(String docId, List<String> data) {
    return append(docId, data, true);
  }

  /** One write of every line, fsynced by {@link #force}; a failed write is truncated away. */
  @Override
  public long appendAllDeferred(String docId, List<String> data) {
    return append(docId, data, false);
  }

  /**
   * Fsyncs the file outside the write lock, so appends go on meanwhile (an fsync flushes the file,
   * whichever descriptor wrote it).
   */
  @Override
  public void force(String docId) {
    Path file = fileOf(docId);
    checkOpen();
    channels.force(file);
  }

  private long append(String docId, List<String> data, boolean durable) {
    Path file = fileOf(docId);
    for (String d : data) {
      LogInput.data(d);
    }
    return locked(
        () -> {
          LogFileState before = states.current(file).orElse(null);
          if (before == null || !before.ownAppend()) {
            // Not the file as this store's last append left it (a first append, a replace, a
            // crash before): make sure the folder exists and cut a torn last line. Skipped on the
            // appends that follow, which group commit makes frequent.
            layout.create();
            JsonlFile.repairTail(file);
            before = states.current(file).orElse(null);
          }
          long count = before == null ? 0 : before.count();
          if (data.isEmpty()) {
            return count;
          }
          channels.append(file, before == null ? null : before.fileKey(), data, durable);
          states.appended(file, before, data);
          return count + data.size();
        });
  }

  @Override
  public Stream<LogRecord> loadAll(String docId) {
    return loadFrom(docId, 1);
  }

  @Override
  public Stream<LogRecord> loadFrom(String docId, long fromSeq) {
    Path file = fileOf(docId);
    LogInput.fromSeq(fromSeq);
    checkOpen();
    Optional<LineReader> lines = LineReader.open(file);
    if (lines.isEmpty()) {
      return Stream.empty();
    }
    Stream<LogRecord> records = streams.stream(new FolderRecordCursor(lines.get(), fromSeq));
    if (closed) { // close() ran meanwhile and may have missed this stream
      records.close();
      throw closedException();
    }
    return records;
  }

  @Override
  public void replace(String docId, List<String> data) {
    Path file = fileOf(docId);
    Objects.requireNonNull(data, "data");
    locked(
        () -> {
          layout.create();
          channels.forget(file);
          AtomicLines.write(file, data);
          states.forget(file);
          return null;
        });
  }

  @Override
  public void delete(String docId) {
    Path file = fileOf(docId);
    locked(
        () -> {
          channels.forget(file);
          try {
            if (Files.deleteIfExists(file)) {
              JsonlFile.syncDirectory(file.toAbsolutePath().getParent());
            }
          } catch (IOException e) {
            throw SqliteErrors.io("cannot delete", file, e);
          } finally {
            states.forget(file);
          }
          return null;
        });
  }

  @Override
  public Optional<LogMeta> currentMeta(String docId) {
    Path file = fileOf(docId);
    checkOpen();
    return states.current(file).map(s -> new LogMeta(docId, s.count(), s.count(), s.generation()));
  }

  @Override
  public List<String> listDocIds(String prefix) {
    LogInput.prefix(prefix);
    checkOpen();
    return layout.peerIds().stream() // sorted; foreign files are not ids
        .filter(id -> id.startsWith(prefix))
        .collect(Collectors.toList());
  }

  /** Closes streams still open. Idempotent. */
  @Override
  public void close() {
    writeLock.lock();
    try {
      if (!closed) {
        closed = true;
        streams.closeAll();
        channels.close();
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public String toString() {
    return "FolderLogStore[" + layout.root() + "]";
  }

  private Path fileOf(String docId) {
    LogInput.docId(docId);
    ClusterLayout.checkPeerId(docId, "document id");
    return layout.logOf(docId);
  }

  private <T> T locked(Supplier<T> work) {
    writeLock.lock();
    try {
      checkOpen();
      return work.get();
    } finally {
      writeLock.unlock();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw closedException();
    }
  }

  private ClosedException closedException() {
    return new ClosedException(toString());
  }
}
