package dev.sqlgit.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlgit.ActionFailedException;
import dev.sqlgit.UnknownActionException;
import dev.sqlgit.internal.sqlite.Footprint;
import dev.sqlgit.internal.sqlite.SqliteDb;
import dev.sqlgit.internal.sqlite.Tracker;

/**
 * A materialised database the engine applies actions to: a {@link SqliteDb} with its {@link
 * Tracker}. Every action runs in its own savepoint, so one that throws leaves nothing behind.
 * Confined to the engine's writer.
 */
final class StateDb implements AutoCloseable {
  private final SqliteDb db;
  private final Tracker tracker;
  private final ActionCatalog actions;

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
   * Applies action {@code name} and returns what it touched.
   *
   * @throws ActionFailedException when the action throws (nothing of it remains)
   * @throws UnknownActionException when the name is not registered
   */
  Footprint apply(String name, JsonNode params, boolean withReads) {
    if (!actions.contains(name)) {
      throw new UnknownActionException(name);
    }
    try {
      return db.savepoint(() -> tracker.track(() -> actions.apply(name, db, params), withReads));
    } catch (UnknownActionException e) {
      throw e;
    } catch (Exception e) {
      throw new ActionFailedException(name, e);
    }
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

  StateDb copy(String label) {
    return fromImage(image(), actions, label);
  }

  @Override
  public void close() {
    db.close();
  }
}
