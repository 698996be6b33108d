package dev.sqlgit.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlgit.PeerAction;
import dev.sqlgit.Resolver;
import dev.sqlgit.SyncReport;
import dev.sqlgit.internal.sqlite.SqliteDb;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A replica's writer: the master's or a peer's. Callers serialise {@link #submitAll}, {@link
 * #sync} and {@link #close}; {@link #read} and {@link #awaitDurable} may run concurrently with
 * them.
 */
public interface Engine {
  /**
   * What a batch of submissions came to: one result per submission, null when it was applied, or
   * the exception it failed with (its action threw, or is unknown; those leave nothing behind);
   * and the number of the batch's log write for {@link #awaitDurable}, 0 when nothing was logged.
   */
  record Submitted(List<RuntimeException> results, long logBatch) {}

  /**
   * Applies and logs a batch of submissions in one transaction with one log write (group commit).
   * The log lines are written but durable only once {@link #awaitDurable} returned for the
   * batch: call it after releasing the lock that serialises writes, so that the fsync overlaps
   * the next batch. Throws, with nothing applied, when the batch as a whole fails (the log write).
   */
  Submitted submitAll(List<Submission> batch);

  /**
   * Returns once the log lines of batch {@code logBatch} (see {@link Submitted}) and of every
   * earlier one are durable; one fsync covers every batch appended before it started. Thread-safe.
   *
   * @throws dev.sqlgit.StorageException when the log could not be made durable: the state holds
   *     actions whose lines may not survive a crash, so take no more writes; opening again checks
   *     the state against the logs
   */
  void awaitDurable(long logBatch);

  /** Submits one action, durably; throws what it failed with. */
  default void submit(String name, JsonNode params) {
    Submitted submitted = submitAll(List.of(new Submission(name, params)));
    awaitDurable(submitted.logBatch());
    RuntimeException failure = submitted.results().get(0);
    if (failure != null) {
      throw failure;
    }
  }

  SyncReport sync(Resolver resolver);

  long masterHead();

  /**
   * Whether the state file's commit counter {@code counter} (its {@code PRAGMA application_id})
   * marks a state this engine made or read: anything else was committed by another process.
   * Always true without a state file. Thread-safe.
   */
  boolean knowsCommit(int counter);

  /** Whether open rebuilt the state from snapshot + logs (always, without a state file). */
  boolean rebuiltOnOpen();

  List<PeerAction> pending();

  /**
   * The lower-case names of the tables that committed work changed since the last call, and
   * clears them; {@link ChangedTables#ALL} among them means "could not tell: assume every table".
   * Speculative checks and rolled-back work never appear.
   */
  Set<String> takeChangedTables();

  /** Runs {@code body} on the current state, which stays stable for the length of the call. */
  <T> T read(Function<SqliteDb, T> body);

  /**
   * Makes every logged batch durable, so that an {@link #awaitDurable} still to come returns
   * without touching the log, then releases the state.
   *
   * @throws dev.sqlgit.StorageException when that fsync fails (the state is released all the same)
   */
  void close();
}
