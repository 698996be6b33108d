package dev.sqlgit.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlgit.ActionFailedException;
import dev.sqlgit.IntegrityException;
import dev.sqlgit.MasterAction;
import dev.sqlgit.PeerAction;
import dev.sqlgit.SchemaTooNewException;
import dev.sqlgit.UnknownActionException;
import dev.sqlgit.internal.sqlite.Footprint;
import dev.sqlgit.internal.sqlite.SqliteDb;
import dev.sqlgit.internal.sqlite.Tracker;
import dev.sqlgit.internal.sqlite.UndoJournal;
import dev.sqlgit.Row;
import java.util.List;
import java.util.Set;

/**
 * A materialised database the engine applies actions to: a {@link SqliteDb} with its {@link
 * Tracker}. Every action runs in its own savepoint, so one that throws leaves nothing behind.
 * Confined to the engine's writer.
 */
final class StateDb implements AutoCloseable {
  /** Journal steps of own actions sort after every master seq. */
  static final long OWN_STEPS = 1L << 40;

  private final SqliteDb db;
  private Tracker tracker;
  private final ActionCatalog actions;
  private UndoJournal journal;
  private long ownSteps = OWN_STEPS;
  /** The schema version {@link SchemaVersions#ensure} last brought the state to, at which epoch. */
  private int ensuredSchema = -1;
  private long ensuredAt = -1;
  private final boolean persistent;
  /**
   * The commit counters (see {@link StateMarks}) this process knows the state for, newest last:
   * its own latest commits, and the file's counter when it last took the file as it found it.
   */
  private final java.util.ArrayDeque<Integer> knownCommits = new java.util.ArrayDeque<>();

  private StateDb(SqliteDb db, ActionCatalog actions, boolean persistent) {
    this.db = db;
    this.tracker = new Tracker(db);
    this.actions = actions;
    this.persistent = persistent;
    if (persistent) {
      ownSteps = Math.max(OWN_STEPS, journal().lastStep(OWN_STEPS)); // own steps must keep increasing
      StateMarks.createTable(this);
      noteCommit(commitCounter());
    }
  }

  static StateDb empty(ActionCatalog actions, String label) {
    return new StateDb(SqliteDb.openMemory(label), actions, false);
  }

  static StateDb fromImage(byte[] image, ActionCatalog actions, String label) {
    return image == null ? empty(actions, label) : new StateDb(SqliteDb.fromImage(image, label), actions, false);
  }

  /**
   * The persistent state of a replica in {@code dir}: {@code state.db} (the application's tables)
   * and {@code journal.db} beside it (the undo journal and the engine's marks), created when
   * missing.
   */
  static StateDb openFile(java.nio.file.Path dir, ActionCatalog actions, String label) {
    SqliteDb db = SqliteDb.openFile(dir.resolve("state.db"), dir.resolve("journal.db"), label);
    try {
      return new StateDb(db, actions, true);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * Forgets what this connection cached about the database: another process wrote it (its schema,
   * its journal's steps).
   */
  void forgetCaches() {
    tracker = new Tracker(db);
    ensuredSchema = -1;
    journal = null;
    ownSteps = Math.max(OWN_STEPS, journal().lastStep(OWN_STEPS));
  }

  /** The commit counter in the file now (see {@link StateMarks}). */
  int commitCounter() {
    return (int) db.scalar("PRAGMA main.application_id");
  }

  /**
   * Notes that this process knows the state at counter {@code counter}: it is committing it (call
   * before the commit, so that no watcher takes it for another process's), or it just read it.
   */
  synchronized void noteCommit(long counter) {
    knownCommits.addLast((int) counter);
    if (knownCommits.size() > 64) {
      knownCommits.removeFirst();
    }
  }

  /**
   * Whether the state at counter {@code counter} is one this process made or read (always, for a
   * state in memory, which no other process writes). Thread-safe.
   */
  synchronized boolean knowsCommit(int counter) {
    return !persistent || knownCommits.contains(counter);
  }

  /** The newest counter this process knows the state for. */
  synchronized int lastKnownCommit() {
    return knownCommits.peekLast();
  }

  /** Whether this state lives in files (and must be updated in place rather than swapped). */
  boolean persistent() {
    return persistent;
  }

  /**
   * Makes this state a copy of {@code other}: its tables and its undo journal (so that own actions
   * {@code other} journaled can still be undone here). Used to bring a state rebuilt on the
   * reference path into a state file. The caller marks the result ({@link StateMarks}) afterwards:
   * until then an interrupted copy is told apart from a finished one by the marks' counter.
   */
  void adopt(StateDb other) {
    other.journal(); // its tables exist from here on, even if it never journaled
    List<Row> steps = other.db.internalQuery("SELECT step, schema_hash, writes FROM _sqlgit_step ORDER BY step");
    List<Row> undo = other.db.internalQuery("SELECT step, tbl, op, k, old_k, old_row FROM _sqlgit_undo ORDER BY id");
    inTransaction(() -> StateMarks.invalidate(this)); // an interrupted copy must never be trusted
    db.restoreFrom(other.image());
    inTransaction(() -> {
      journal().clear();
      for (Row r : steps) {
        db.internalExec("INSERT INTO _sqlgit_step(step, schema_hash, writes) VALUES (?, ?, ?)",
            r.get("step"), r.get("schema_hash"), r.get("writes"));
      }
      for (Row r : undo) {
        db.internalExec("INSERT INTO _sqlgit_undo(step, tbl, op, k, old_k, old_row) VALUES (?, ?, ?, ?, ?, ?)",
            r.get("step"), r.get("tbl"), r.get("op"), r.get("k"), r.get("old_k"), r.get("old_row"));
      }
    });
    forgetCaches(); // the capture and journal caches describe the schema that was replaced
    ownSteps = Math.max(ownSteps, other.ownSteps);
  }

  SqliteDb db() {
    return db;
  }

  ActionCatalog actions() {
    return actions;
  }

  /**
   * Applies action {@code name}, written by code at schema version {@code schema}, and returns what
   * it touched. Migrations up to {@code schema} that this state lacks run first, in the same
   * savepoint.
   *
   * @throws ActionFailedException when the action throws (nothing of it remains)
   * @throws UnknownActionException when the name is not registered
   * @throws SchemaTooNewException when {@code schema} is newer than the registry (nothing changed)
   */
  Footprint apply(String name, JsonNode params, int schema, boolean withReads) {
    return guarded(name, schema, true, () -> tracker.track(() -> run(name, params, schema), withReads));
  }

  /**
   * Runs {@code body}, which applies action {@code name}, with {@link #apply}'s checks and errors;
   * in a savepoint, or bare (a failure may then leave writes behind for the caller to roll back).
   */
  private <T> T guarded(String name, int schema, boolean inSavepoint, SqliteDb.ThrowingSupplier<T> body) {
    // Newer code is the cause when both apply: its actions are unknown here too.
    SchemaVersions.checkKnown(schema, actions.migrations(), "action '" + name + "'");
    if (!actions.contains(name)) {
      throw new UnknownActionException(name);
    }
    try {
      return inSavepoint ? db.savepoint(body) : body.get();
    } catch (UnknownActionException | SchemaTooNewException | IntegrityException e) {
      throw e;
    } catch (Exception e) {
      throw new ActionFailedException(name, e);
    }
  }

  /** Runs action {@code name}, first applying the migrations up to {@code schema} it needs. */
  private void run(String name, JsonNode params, int schema) throws Exception {
    // Checking the applied migrations takes two queries: skip it while nothing could have changed them.
    if (schema > ensuredSchema || db.schemaEpoch() != ensuredAt) {
      SchemaVersions.ensure(db, schema, actions.migrations());
      ensuredSchema = schema;
      ensuredAt = db.schemaEpoch();
    }
    actions.apply(name, db, params);
  }

  Footprint apply(PeerAction a, boolean withReads) {
    return apply(a.name(), a.params(), a.schema(), withReads);
  }

  Footprint apply(MasterAction a, boolean withReads) {
    return apply(a.name(), a.params(), a.schema(), withReads);
  }

  /**
   * The undo journal of this state: every own action applied through {@link #applyOwn} and every
   * master entry applied through {@link #applyJournaled} can be walked back.
   */
  UndoJournal journal() {
    if (journal == null) {
      journal = new UndoJournal(db);
    }
    return journal;
  }

  /** Applies an own action (pending, kept or a mitigation) as a journaled step. */
  Footprint applyOwn(String name, JsonNode params, int schema) {
    journal().begin(++ownSteps);
    try {
      return apply(name, params, schema, false);
    } finally {
      journal().end();
    }
  }

  Footprint applyOwn(PeerAction a) {
    return applyOwn(a.name(), a.params(), a.schema());
  }

  /**
   * Applies a batch of new own actions (a group commit) through {@code body}, as one journaled step
   * under one change capture: a sync undoes pending own actions all together, never one alone, so
   * one step serves the batch, and it saves several statements per action. Returns the tables the
   * applied actions wrote.
   */
  Set<String> applyOwnBatch(java.util.function.Consumer<OwnBatch> body) {
    journal().begin(++ownSteps);
    try {
      OwnBatch batch = new OwnBatch(tracker.session());
      db.internalExec("SAVEPOINT " + OwnBatch.SAVEPOINT);
      body.accept(batch);
      db.internalExec("RELEASE " + OwnBatch.SAVEPOINT); // on a failure, the transaction's rollback ends it
      return Footprint.tablesOf(batch.capture.writes());
    } finally {
      journal().end();
    }
  }

  /**
   * Applies the actions of one batch; see {@link #applyOwnBatch}. An action that throws must leave
   * nothing behind, which takes a savepoint, but two statements per action are a good part of a
   * submit's cost and actions rarely throw. So actions run bare until one throws; then the batch
   * is rolled back to its start, the actions before it are applied again (actions are
   * deterministic), and the rest of the batch runs one savepoint per action.
   */
  final class OwnBatch {
    static final String SAVEPOINT = "sqlgit_batch";
    private final Tracker.Session capture;
    private final List<PeerAction> applied = new java.util.ArrayList<>();
    private boolean oneFailed;

    private OwnBatch(Tracker.Session capture) {
      this.capture = capture;
    }

    /** Applies {@code a}; when it throws (as {@link StateDb#apply} does), nothing of it remains. */
    void apply(PeerAction a) {
      try {
        applyNow(a, oneFailed);
      } catch (ActionFailedException e) {
        if (!oneFailed) {
          oneFailed = true;
          db.internalExec("ROLLBACK TO " + SAVEPOINT); // takes the failed action's own writes too
          for (PeerAction before : applied) {
            applyAgain(before);
          }
        }
        throw e;
      }
      applied.add(a);
    }

    private void applyNow(PeerAction a, boolean inSavepoint) {
      guarded(a.name(), a.schema(), inSavepoint, () -> {
        capture.run(() -> run(a.name(), a.params(), a.schema()));
        return null;
      });
    }

    private void applyAgain(PeerAction a) {
      try {
        applyNow(a, true);
      } catch (ActionFailedException e) {
        throw new IllegalStateException("action '" + a.name() + "' (seq " + a.seq() + ") failed when applied again"
            + " with the same params on the same state: actions must be deterministic", e);
      }
    }
  }

  /**
   * Applies a master entry as the journaled step of its seq, recording what it wrote with it (a
   * master reopened from its state file learns write sets from there instead of by replay).
   */
  Footprint applyJournaled(MasterAction a) {
    journal().begin(a.seq());
    Footprint f;
    try {
      f = apply(a, false);
    } finally {
      journal().end();
    }
    journal().recordWrites(a.seq(), f.writes());
    return f;
  }

  /** The schema version new entries written by this replica carry. */
  int schemaVersion() {
    return actions.migrations().size();
  }

  /** Runs {@code body} and undoes whatever it did: a what-if. */
  <T> T probe(SqliteDb.ThrowingSupplier<T> body) {
    try {
      return db.probe(body);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code body} in a transaction: committed when it returns, rolled back when it throws. */
  void inTransaction(Runnable body) {
    db.beginWrite();
    try {
      body.run();
      db.commit();
    } catch (RuntimeException | Error e) {
      try {
        db.rollback();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  byte[] image() {
    return db.image();
  }

  @Override
  public void close() {
    db.close();
  }
}
