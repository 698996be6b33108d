package dev.sqlgit.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqlgit.StorageException;
import dev.sqlgit.internal.log.JsonlFile;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One fsync covers every batch appended before it; a failed one fails every batch it did not cover. */
class LogFlusherTest {
  @TempDir Path dir;

  private final AtomicInteger forces = new AtomicInteger();
  private final AtomicBoolean failing = new AtomicBoolean();

  /** Fsyncs a real file, counting, or fails as a full or broken disk would. */
  private LogFlusher flusher(Path file) {
    return new LogFlusher(() -> {
      forces.incrementAndGet();
      if (failing.get()) {
        throw new StorageException("injected fsync failure", -1, null);
      }
      JsonlFile.force(file);
    }, file.toString());
  }

  private Path log() {
    Path file = dir.resolve("bob.jsonl");
    try {
      java.nio.file.Files.writeString(file, "{\"n\":1}\n"); // written, not fsynced
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return file;
  }

  @Test
  void oneFsyncCoversEveryBatchAppendedBeforeIt() {
    LogFlusher flusher = flusher(log());
    long first = flusher.appended();
    long second = flusher.appended();
    flusher.awaitDurable(first);
    flusher.awaitDurable(second);
    flusher.awaitDurable(0); // nothing appended
    assertThat(forces).as("the first wait's fsync covered the second batch").hasValue(1);
    flusher.awaitDurable(flusher.appended());
    assertThat(forces).hasValue(2);
  }

  @Test
  void aFailedFsyncFailsItsBatchAndEveryLaterOneButNotThoseAlreadyDurable() {
    LogFlusher flusher = flusher(log());
    long durable = flusher.appended();
    flusher.awaitDurable(durable);
    long lost = flusher.appended();
    failing.set(true);
    assertThatThrownBy(() -> flusher.awaitDurable(lost))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("durable")
        .hasRootCauseMessage("injected fsync failure");
    failing.set(false); // a later fsync that succeeds does not make the lost batch durable
    long later = flusher.appended();
    assertThatThrownBy(() -> flusher.awaitDurable(lost)).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> flusher.awaitDurable(later)).isInstanceOf(StorageException.class);
    flusher.awaitDurable(durable);
    flusher.close(); // the failure was reported to the waiters: close does not fsync again
    assertThat(forces).hasValue(2);
    assertThatThrownBy(() -> flusher.awaitDurable(later)).isInstanceOf(StorageException.class);
  }

  @Test
  void aFailedFsyncOnCloseIsReported() {
    LogFlusher flusher = flusher(log());
    flusher.appended();
    failing.set(true);
    assertThatThrownBy(flusher::close).isInstanceOf(StorageException.class);
    flusher.close();
  }

  @Test
  void closeMakesEverythingDurableSoALateWaiterNeverFsyncs() {
    LogFlusher flusher = flusher(log());
    long batch = flusher.appended();
    flusher.close();
    flusher.close();
    assertThat(forces).hasValue(1);
    flusher.awaitDurable(batch);
    assertThat(forces).hasValue(1);
  }

  @Test
  void aBatchTheRunningFsyncCoversWaitsForItAndAnUncoveredOneStartsItsOwnAtOnce() throws Exception {
    Path file = log();
    // Each fsync announces itself, then waits for the test to let it finish.
    List<CountDownLatch> started = List.of(new CountDownLatch(1), new CountDownLatch(1));
    List<CountDownLatch> finish = List.of(new CountDownLatch(1), new CountDownLatch(1));
    LogFlusher flusher = new LogFlusher(() -> {
      int n = forces.getAndIncrement();
      started.get(n).countDown();
      await(finish.get(n));
      JsonlFile.force(file);
    }, file.toString());
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      long first = flusher.appended();
      long second = flusher.appended();
      Future<?> a = pool.submit(() -> flusher.awaitDurable(first)); // its fsync covers both
      assertThat(started.get(0).await(10, TimeUnit.SECONDS)).isTrue();
      Future<?> b = pool.submit(() -> flusher.awaitDurable(second));
      long third = flusher.appended(); // written while the first fsync runs: not covered by it
      Future<?> c = pool.submit(() -> flusher.awaitDurable(third));
      assertThat(started.get(1).await(10, TimeUnit.SECONDS)).as("c's fsync starts at once").isTrue();
      finish.get(0).countDown();
      a.get(10, TimeUnit.SECONDS);
      b.get(10, TimeUnit.SECONDS); // without an fsync of its own, and before c's has finished
      assertThat(c).isNotDone();
      finish.get(1).countDown();
      c.get(10, TimeUnit.SECONDS);
      assertThat(forces).hasValue(2);
    } finally {
      finish.forEach(CountDownLatch::countDown);
      pool.shutdownNow();
    }
  }

  @Test
  void anFsyncThatSucceedsAfterAnotherFailedMakesNothingDurable() throws Exception {
    Path file = log();
    CountDownLatch secondStarted = new CountDownLatch(1);
    CountDownLatch finishSecond = new CountDownLatch(1);
    LogFlusher flusher = new LogFlusher(() -> {
      if (forces.getAndIncrement() == 0) {
        secondStarted.countDown(); // the first fsync is the slow one that ends well
        await(finishSecond);
        JsonlFile.force(file);
      } else {
        throw new StorageException("injected fsync failure", -1, null);
      }
    }, file.toString());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      long first = flusher.appended();
      Future<?> slow = pool.submit(() -> flusher.awaitDurable(first));
      assertThat(secondStarted.await(10, TimeUnit.SECONDS)).isTrue();
      long second = flusher.appended();
      assertThatThrownBy(() -> flusher.awaitDurable(second)).isInstanceOf(StorageException.class);
      finishSecond.countDown();
      // What the file holds after a failed fsync is unknown: the slow one's success proves nothing.
      assertThatThrownBy(() -> slow.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StorageException.class);
    } finally {
      finishSecond.countDown();
      pool.shutdownNow();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
