package dev.sqlgit.internal.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices commits to a database file made through other connections, other processes' included:
 * a connection of its own polls {@code PRAGMA data_version}, which SQLite changes exactly when
 * someone else committed. The callback gets the file's {@code PRAGMA application_id}, so that its
 * owner can tell its own commits apart. A poll is two pragmas on an idle connection (no file
 * read when nothing changed), every {@code interval}, on one daemon thread, and only while
 * someone wants to know ({@code wanted}): a peer with no live query does not poll at all.
 */
public final class CommitWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CommitWatcher.class);

  private final Connection connection;
  private final ScheduledExecutorService timer;
  private final IntConsumer onCommit;
  private final java.util.function.BooleanSupplier wanted;
  private long lastVersion;

  private CommitWatcher(Connection connection, IntConsumer onCommit, java.util.function.BooleanSupplier wanted,
      String name) {
    this.connection = connection;
    this.onCommit = onCommit;
    this.wanted = wanted;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sqlgit-commit-watcher-" + name);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts watching {@code file} while {@code wanted} says so; {@code onCommit} runs on the
   * watcher's thread. A commit made while nobody wanted to know is reported at the next wanted poll.
   */
  public static CommitWatcher start(
      Path file, Duration interval, String name, java.util.function.BooleanSupplier wanted, IntConsumer onCommit) {
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      CommitWatcher watcher = new CommitWatcher(c, onCommit, wanted, name);
      watcher.lastVersion = watcher.pragma("PRAGMA data_version");
      long millis = Math.max(1, interval.toMillis());
      watcher.timer.scheduleWithFixedDelay(watcher::poll, millis, millis, TimeUnit.MILLISECONDS);
      return watcher;
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, "watch " + file);
    }
  }

  private synchronized void poll() {
    if (!wanted.getAsBoolean()) {
      return;
    }
    try {
      long version = pragma("PRAGMA data_version");
      if (version != lastVersion) {
        lastVersion = version;
        onCommit.accept((int) pragma("PRAGMA application_id"));
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn("watching for other processes' commits failed; will try again", e); // never kill the timer
    }
  }

  private long pragma(String sql) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("closing the commit watcher's connection", e);
      }
    }
  }
}
