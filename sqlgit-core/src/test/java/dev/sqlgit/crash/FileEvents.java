package dev.sqlgit.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.function.Consumer;

/**
 * Reports files created in a few folders of the cluster as {@code FILE <id>/<path>} lines, so a
 * kill can be timed from the moment the child creates a temp file (a snapshot write, a log
 * rewrite) instead of from its coarser phase markers. Uses the platform's {@link WatchService}
 * (inotify on Linux); where that only polls, the events come late and such kills simply land
 * elsewhere.
 */
final class FileEvents implements AutoCloseable {
  private final WatchService watch;
  private final Thread thread;

  private FileEvents(WatchService watch, Consumer<String> sink) {
    this.watch = watch;
    this.thread = new Thread(() -> pump(sink), "crash-file-events");
    thread.setDaemon(true);
    thread.start();
  }

  /** Watches the master's root and {@code peers/} (snapshot and log temps), and each peer's {@code peers/}. */
  static FileEvents watch(CrashCluster cluster, Consumer<String> sink) {
    try {
      WatchService watch = FileSystems.getDefault().newWatchService();
      register(watch, cluster.rootOf(CrashCluster.MASTER));
      register(watch, cluster.rootOf(CrashCluster.MASTER).resolve("peers"));
      for (String p : CrashCluster.PEERS) {
        register(watch, cluster.rootOf(p).resolve("peers"));
      }
      return new FileEvents(watch, sink);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void register(WatchService watch, Path dir) throws IOException {
    dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
  }

  private void pump(Consumer<String> sink) {
    try {
      while (true) {
        WatchKey key = watch.take();
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> event : key.pollEvents()) {
          if (event.context() instanceof Path) {
            sink.accept("FILE " + dir.resolve((Path) event.context()));
          }
        }
        key.reset();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed
    }
  }

  @Override
  public void close() {
    try {
      watch.close();
      thread.join(5000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
