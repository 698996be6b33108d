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
 * A replica's writer: the master's or a peer's. Callers serialise {@link #submit}, {@link #sync}
 * and {@link #close}; {@link #read} may run concurrently with them.
 */
public interface Engine {
  /**
   * Applies and logs a batch of submissions in one transaction with one durable log write (group
   * commit). Returns one entry per submission: null when it was applied, or the exception it
   * failed with (its action threw, or is unknown); those leave nothing behind. Throws, with
   * nothing applied, when the batch as a whole fails (the log write).
   */
  List<RuntimeException> submitAll(List<Submission> batch);

  /** Submits one action; throws what it failed with. */
  default void submit(String name, JsonNode params) {
    RuntimeException failure = submitAll(List.of(new Submission(name, params))).get(0);
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

  void close();
}
