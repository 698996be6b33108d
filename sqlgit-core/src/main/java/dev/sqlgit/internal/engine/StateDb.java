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

/**
 * A materialised database the engine applies actions to: a {@link SqliteDb} with its {@link
 * Tracker}. Every action runs in its own savepoint, so one that throws leaves nothing behind.
 * Confined to the engine's writer.
 */
final class StateDb implements AutoCloseable {
  /** Journal steps of own actions sort after every master seq. */
  static final long OWN_STEPS = 1L << 40;

  private final SqliteDb db;
  private final Tracker tracker;
  private final ActionCatalog actions;
  private UndoJournal journal;
  private long ownSteps = OWN_STEPS;

  private StateDb(SqliteDb db, ActionCatalog actions) {
    this.db = db;
    this.tracker = new Tracker(db);
    this.actions = actions;
  }

  static StateDb empty(ActionCatalog actions, String label) {
    return new StateDb(SqliteDb.openMemory(label), actions);
  }

  static StateDb fromImage(byte[] image, ActionCatalog actions, String label) {
    return image == null ? empty(actions, label) : new StateDb(SqliteDb.fromImage(image, label), actions);
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
    // Newer code is the cause when both apply: its actions are unknown here too.
    SchemaVersions.checkKnown(schema, actions.migrations(), "action '" + name + "'");
    if (!actions.contains(name)) {
      throw new UnknownActionException(name);
    }
    try {
      return db.savepoint(
          () ->
              tracker.track(
                  () -> {
                    SchemaVersions.ensure(db, schema, actions.migrations());
                    actions.apply(name, db, params);
                  },
                  withReads));
    } catch (UnknownActionException | SchemaTooNewException | IntegrityException e) {
      throw e;
    } catch (Exception e) {
      throw new ActionFailedException(name, e);
    }
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

  /** Applies a master entry as the journaled step of its seq. */
  Footprint applyJournaled(MasterAction a) {
    journal().begin(a.seq());
    try {
      return apply(a, false);
    } finally {
      journal().end();
    }
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
    db.exec("BEGIN IMMEDIATE");
    try {
      body.run();
      db.exec("COMMIT");
    } catch (RuntimeException | Error e) {
      try {
        db.exec("ROLLBACK");
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
