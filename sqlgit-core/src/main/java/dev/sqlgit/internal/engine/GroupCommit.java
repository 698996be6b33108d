package dev.sqlgit.internal.engine;

import dev.sqlgit.ClosedException;
import dev.sqlgit.SqlGitException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Group commit for a replica's submits, on two threads of its own. Submitters queue a ticket and
 * park. The <em>writer</em> thread takes every queued ticket as one batch, applies and logs it in
 * one transaction whose log lines are written but not fsynced ({@link Engine#submitAll}), hands it
 * on, and takes the next batch at once. The <em>fsync</em> thread makes every batch handed to it so
 * far durable with one fsync ({@link Engine#awaitDurable}), and only then settles and wakes their
 * submitters: a submit that returned is durable (SPEC §2).
 *
 * <p>Why two threads: applying a batch and fsyncing the one before overlap, and neither waits for a
 * submitter to be scheduled. While one batch is being fsynced, the submitters of the one before
 * queue again, so batches form on their own, without waiting to gather them. (A submitter that
 * wrote the batch itself, the design before, had to wait for the others to queue, and the fsync
 * stalled the writer: from 64 threads it reached about 60 % of what this does.) One fsync thread,
 * not more: concurrent fsyncs of one file queue in the file system's journal anyway, and a second
 * thread measured slower. A lone submitter (nothing queued, both threads idle) writes and fsyncs
 * its own batch of one instead: handing it over would only add two thread wake-ups to its wait.
 *
 * <p>A batch is written through {@code writeBatch}, which takes the replica's writer lock, so syncs
 * and batches take turns. A batch that {@code writeBatch} refuses as a whole (the log write failed,
 * the replica closed) fails each of its submits with that exception. When the log cannot be made
 * durable, every batch not durable yet fails with the error and {@code onLost} hears of it (the
 * replica then refuses writes). Thread-safe.
 *
 * <pre>{@code
 * GroupCommit commits = new GroupCommit("bob", peer::writeBatch, engine::awaitDurable, e -> {});
 * commits.submit(new Submission("add_note", params)); // durable when it returns
 * commits.close();
 * }</pre>
 */
public final class GroupCommit implements AutoCloseable {
  private final String replica;
  private final Function<List<Submission>, Engine.Submitted> writeBatch;
  private final LongConsumer awaitDurable;
  private final Consumer<RuntimeException> onLost;
  private final Queue<Ticket> queued = new ConcurrentLinkedQueue<>();
  private final Queue<Batch> written = new ConcurrentLinkedQueue<>();
  private final Worker writer = new Worker(this::writeQueued);
  private final Worker fsync = new Worker(this::makeWrittenDurable);
  /** Held by a lone submitter writing its own batch (see {@link #submit}). */
  private final ReentrantLock alone = new ReentrantLock();
  /** Set by {@link #close}: tickets queued from now on fail, the workers stop once idle. */
  private volatile boolean closed;
  /** Whether the workers were started (or never will be: closed); written under this monitor. */
  private volatile boolean started;

  /**
   * @param replica names the threads
   * @param writeBatch applies and logs a batch holding the writer lock; throws when the batch as a
   *     whole fails
   * @param awaitDurable returns once the numbered log batch is durable, or throws why it cannot be
   * @param onLost told when a batch could not be made durable
   */
  public GroupCommit(
      String replica,
      Function<List<Submission>, Engine.Submitted> writeBatch,
      LongConsumer awaitDurable,
      Consumer<RuntimeException> onLost) {
    this.replica = replica;
    this.writeBatch = writeBatch;
    this.awaitDurable = awaitDurable;
    this.onLost = onLost;
  }

  /**
   * Applies and logs {@code submission} in the next batch; returns once it is durable. Not
   * interruptible: the wait is one batch, and giving up would leave the caller unsure whether the
   * submit happened (the interrupt flag is set again on return).
   *
   * @throws RuntimeException what the submission failed with: its action, its batch, the fsync, or
   *     {@link ClosedException} when this closed before its batch was taken
   */
  public void submit(Submission submission) {
    if (quiet() && alone.tryLock()) {
      try {
        submitAlone(submission);
        return;
      } finally {
        alone.unlock();
      }
    }
    Ticket ticket = new Ticket(submission);
    startWorkers();
    queued.add(ticket);
    if (closed && queued.remove(ticket)) { // close may have drained the queue before the add
      throw new ClosedException("replica '" + replica + "'");
    }
    writer.wake();
    boolean interrupted = false;
    while (!ticket.settled) {
      LockSupport.park(this);
      interrupted |= Thread.interrupted();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (ticket.failure != null) {
      throw ticket.failure;
    }
  }

  /**
   * Nothing queued and both workers idle: a lone submitter (see the class comment). Not when the
   * caller was interrupted: an interrupt closes a file channel its thread is writing.
   */
  private boolean quiet() {
    return queued.isEmpty()
        && (!started || (writer.idle && fsync.idle))
        && !Thread.currentThread().isInterrupted();
  }

  /** Writes a batch of one in the calling thread and fsyncs it there too. */
  private void submitAlone(Submission submission) {
    if (closed) {
      throw new ClosedException("replica '" + replica + "'");
    }
    RuntimeException failure = writeDurably(List.of(submission)).get(0);
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Writes {@code batch} in the calling thread, then, the writer lock released, fsyncs it there
   * too (a lone submit; also the replica's mode without group commit). Returns each submission's
   * failure, null when it was applied.
   *
   * @throws RuntimeException when the batch as a whole failed, or could not be made durable
   *     ({@code onLost} hears of the latter)
   */
  public List<RuntimeException> writeDurably(List<Submission> batch) {
    Engine.Submitted submitted = writeBatch.apply(batch);
    try {
      awaitDurable.accept(submitted.logBatch());
    } catch (RuntimeException e) {
      onLost.accept(e);
      throw e;
    }
    return submitted.results();
  }

  /**
   * Stops taking submits: the batch being written, and every batch written, still complete
   * (durable, acknowledged); tickets not taken yet fail with {@link ClosedException}. Returns once
   * both threads ended. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      started = true; // no worker starts from now on
    }
    writer.wake();
    join(writer.thread);
    fsync.wake();
    join(fsync.thread);
    for (Ticket t = queued.poll(); t != null; t = queued.poll()) {
      t.settle(new ClosedException("replica '" + replica + "'"));
    }
  }

  private void startWorkers() {
    if (started) {
      return; // the common case: no monitor for 64 threads to queue on
    }
    synchronized (this) {
      if (!started) {
        started = true;
        writer.start("sqlgit-writer-" + replica);
        fsync.start("sqlgit-fsync-" + replica);
      }
    }
  }

  /** The writer thread's round: one batch of every queued ticket. Returns false when idle. */
  private boolean writeQueued() {
    List<Ticket> batch = new ArrayList<>();
    for (Ticket t = queued.poll(); t != null; t = queued.poll()) {
      batch.add(t);
    }
    if (batch.isEmpty()) {
      return false;
    }
    Engine.Submitted submitted;
    try {
      submitted = writeBatch.apply(batch.stream().map(t -> t.submission).toList());
    } catch (RuntimeException | Error e) { // none of the batch happened
      RuntimeException failure = unchecked(e);
      batch.forEach(t -> t.settle(failure));
      return true;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).failure = submitted.results().get(i);
    }
    if (submitted.logBatch() == 0) { // nothing logged: nothing to make durable
      batch.forEach(t -> t.settle(t.failure));
    } else {
      written.add(new Batch(batch, submitted.logBatch()));
      fsync.wake();
    }
    return true;
  }

  /**
   * The fsync thread's round: one fsync for every batch written so far, then their submitters
   * learn the outcome. Returns false when idle.
   */
  private boolean makeWrittenDurable() {
    List<Batch> batches = new ArrayList<>();
    for (Batch b = written.poll(); b != null; b = written.poll()) {
      batches.add(b);
    }
    if (batches.isEmpty()) {
      return false;
    }
    RuntimeException lost = null;
    try {
      awaitDurable.accept(batches.get(batches.size() - 1).logBatch());
    } catch (RuntimeException | Error e) {
      lost = unchecked(e);
      onLost.accept(lost);
    }
    for (Batch b : batches) {
      for (Ticket t : b.tickets()) {
        t.settle(t.failure != null ? t.failure : lost);
      }
    }
    return true;
  }

  /** An Error too reaches the submitters (as the cause), rather than ending a worker silently. */
  private static RuntimeException unchecked(Throwable e) {
    return e instanceof RuntimeException r ? r : new SqlGitException("group commit failed: " + e, e);
  }

  private static void join(Thread thread) {
    if (thread == null) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // the workers end within a batch; leaving earlier would lose track of it
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private record Batch(List<Ticket> tickets, long logBatch) {}

  /** A queued submit and, once settled, what became of it. */
  private static final class Ticket {
    final Submission submission;
    final Thread submitter = Thread.currentThread();
    /** The action's own outcome (null: applied); written by the writer thread before it hands on. */
    RuntimeException failure;
    volatile boolean settled;

    Ticket(Submission submission) {
      this.submission = submission;
    }

    void settle(RuntimeException outcome) {
      failure = outcome;
      settled = true; // publishes failure to the submitter
      LockSupport.unpark(submitter);
    }
  }

  /**
   * A thread that runs rounds while they find work, and parks when one finds none. Wakes cost one
   * volatile read when it is busy: only an idle worker is unparked.
   */
  private final class Worker {
    private final BooleanSupplier round;
    private volatile Thread thread;
    private volatile boolean idle;

    Worker(BooleanSupplier round) {
      this.round = round;
    }

    void start(String name) {
      Thread t = new Thread(this::run, name);
      t.setDaemon(true); // an application that forgets close() can still exit
      thread = t;
      t.start();
    }

    void wake() {
      Thread t = thread;
      if (idle && t != null) {
        LockSupport.unpark(t);
      }
    }

    private void run() {
      while (true) {
        if (round.getAsBoolean()) {
          continue;
        }
        // Idle: announce it, then look once more, so that work queued before the announcement is
        // not missed and work queued after it wakes this thread.
        idle = true;
        if (!round.getAsBoolean()) {
          if (closed && (this == writer || !writer.thread.isAlive())) {
            return; // the fsync worker outlives the writer: its last batch still needs the fsync
          }
          LockSupport.park(this);
        }
        idle = false;
      }
    }
  }
}
