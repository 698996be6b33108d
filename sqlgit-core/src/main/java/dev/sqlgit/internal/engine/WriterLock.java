package dev.sqlgit.internal.engine;

import dev.sqlgit.internal.sqlite.SqliteErrors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who may write a state directory now (SPEC §6): an OS file lock on {@code writer.lock}, held for
 * one write (a submit batch, a sync), so several processes may open the same peer and take turns.
 * The JVM holds an OS lock once per file, so engines of one process on the same directory first
 * queue on a lock shared through this class.
 */
final class WriterLock {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();

  /** For a state in memory: nobody else can write it, so there is nothing to lock. */
  static final WriterLock NONE = new WriterLock();

  private final Path file;
  private final ReentrantLock local;
  /** The lock file, open between writes, and its file key; guarded by {@code local}. */
  private FileChannel channel;
  private Object channelKey;

  private WriterLock() {
    this.file = null;
    this.local = null;
  }

  private WriterLock(Path stateDir) {
    this.file = stateDir.toAbsolutePath().normalize().resolve("writer.lock");
    this.local = IN_THIS_JVM.computeIfAbsent(file, f -> new ReentrantLock());
  }

  /**
   * Opens the state files in {@code stateDir} and runs {@code open} on them holding the lock (an
   * open may rebuild the files); closes them when it throws. {@code open} gets the lock for the
   * engine's later writes.
   */
  static <E> E open(
      Path stateDir, ActionCatalog actions, String replica, java.util.function.BiFunction<WriterLock, StateDb, E> open) {
    WriterLock lock = new WriterLock(stateDir);
    try {
      return lock.hold(() -> {
        StateDb file = StateDb.openFile(stateDir, actions, replica);
        try {
          return open.apply(lock, file);
        } catch (RuntimeException | Error e) {
          file.close();
          throw e;
        }
      });
    } catch (RuntimeException | Error e) {
      lock.close();
      throw e;
    }
  }

  /**
   * Runs a write on the state {@code holder} holds, holding the lock. When another writer committed
   * since this process last knew the state, {@code catchUp} first recovers, with readers held off,
   * what the engine keeps in memory from disk (SPEC §6: counters are never trusted from memory).
   */
  <T> T write(StateHolder holder, java.util.function.Consumer<StateDb> catchUp, java.util.function.Supplier<T> body) {
    if (this == NONE) {
      return body.get();
    }
    return hold(() -> {
      StateDb state = holder.current();
      if (state.commitCounter() != state.lastKnownCommit()) {
        holder.write(() -> {
          state.forgetCaches();
          catchUp.accept(state);
          state.noteCommit(state.commitCounter());
        });
      }
      return body.get();
    });
  }

  /** Runs {@code body} holding the lock, waiting for other writers (other processes too) first. */
  private <T> T hold(java.util.function.Supplier<T> body) {
    local.lock();
    try (FileLock ignored = channel().lock()) {
      return body.get();
    } catch (IOException e) {
      closeChannel();
      throw SqliteErrors.io("cannot lock", file, e);
    } finally {
      local.unlock();
    }
  }

  /**
   * The lock file, kept open between writes: opening and closing it cost more than a small batch's
   * write. Opened again when the path names another file (deleted, replaced), so that every writer
   * locks the same one. Call holding {@code local}.
   */
  private FileChannel channel() throws IOException {
    Object key = fileKey();
    if (channel == null || !channel.isOpen() || key == null || !key.equals(channelKey)) {
      closeChannel();
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      channelKey = fileKey();
    }
    return channel;
  }

  private Object fileKey() {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null; // missing: created on open
    }
  }

  /**
   * Closes the lock file (the engine closes). Holding {@code local}: closing any descriptor of a
   * file drops every lock this process holds on it (POSIX), another engine's of this JVM included.
   */
  void close() {
    if (this == NONE) {
      return;
    }
    local.lock();
    try {
      closeChannel();
    } finally {
      local.unlock();
    }
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing was written to it; its lock, if any, goes with it
      }
      channel = null;
    }
  }
}
