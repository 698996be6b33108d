package dev.sqlgit.internal.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Conflation, step by step, on an executor the test runs by hand. */
class ConflatedTest {
  private final Queue<Runnable> queued = new ArrayDeque<>();
  private final Executor manual = queued::add;
  private final AtomicInteger runs = new AtomicInteger();

  @Test
  void signalsBeforeTheRunStartsBecomeOneRun() {
    Conflated c = new Conflated(manual, runs::incrementAndGet);
    c.signal();
    c.signal();
    c.signal();
    assertThat(queued).hasSize(1);
    queued.poll().run();
    assertThat(runs).hasValue(1);
    assertThat(queued).isEmpty();
  }

  @Test
  void aSignalDuringARunQueuesExactlyOneMoreRun() {
    Conflated[] self = new Conflated[1];
    self[0] = new Conflated(manual, () -> {
      if (runs.incrementAndGet() == 1) {
        self[0].signal();
        self[0].signal();
      }
    });
    self[0].signal();
    queued.poll().run();
    assertThat(queued).as("re-queued, not looped in place").hasSize(1);
    queued.poll().run();
    assertThat(runs).hasValue(2);
    assertThat(queued).isEmpty();
  }

  @Test
  void aThrowingTaskDoesNotWedgeIt() {
    Conflated c = new Conflated(manual, () -> {
      runs.incrementAndGet();
      throw new IllegalStateException("task bug");
    });
    c.signal();
    queued.poll().run();
    c.signal();
    assertThat(queued).hasSize(1);
  }

  @Test
  void aRejectingExecutorLeavesItIdle() {
    AtomicInteger attempts = new AtomicInteger();
    Conflated c = new Conflated(r -> {
      attempts.incrementAndGet();
      throw new RejectedExecutionException("shut down");
    }, runs::incrementAndGet);
    c.signal();
    c.signal();
    assertThat(attempts).hasValue(2);
    assertThat(runs).hasValue(0);
  }
}
