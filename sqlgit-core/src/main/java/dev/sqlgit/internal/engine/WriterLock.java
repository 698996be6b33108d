package dev.sqlgit.internal.engine;

import dev.sqlgit.internal.sqlite.SqliteErrors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
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

  private final Path file;
  private final ReentrantLock local;

  WriterLock(Path stateDir) {
    this.file = stateDir.toAbsolutePath().normalize().resolve("writer.lock");
    this.local = IN_THIS_JVM.computeIfAbsent(file, f -> new ReentrantLock());
  }

  /**
   * Runs a write on {@code state} holding the lock. When another writer committed since this
   * process last knew the state, {@code catchUp} first recovers what the engine keeps in memory
   * from disk (SPEC §6: counters are never trusted from memory).
   */
  <T> T write(StateDb state, Runnable catchUp, java.util.function.Supplier<T> body) {
    return hold(() -> {
      if (state.commitCounter() != state.lastKnownCommit()) {
        state.forgetCaches();
        catchUp.run();
        state.noteCommit(state.commitCounter());
      }
      return body.get();
    });
  }

  /** Runs {@code body} holding the lock, waiting for other writers (other processes too) first. */
  <T> T hold(java.util.function.Supplier<T> body) {
    local.lock();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = channel.lock()) {
      return body.get();
    } catch (IOException e) {
      throw SqliteErrors.io("cannot lock", file, e);
    } finally {
      local.unlock();
    }
  }
}
