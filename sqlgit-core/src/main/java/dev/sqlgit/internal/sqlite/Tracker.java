package dev.sqlgit.internal.sqlite;

import java.util.HashSet;
import java.util.Set;

/**
 * Runs code on a {@link SqliteDb} and reports its {@link Footprint}: rows written (always) and
 * tables read (when asked, since computing them costs an {@code EXPLAIN} per new statement). One
 * per connection, confined to the engine's writer.
 */
public final class Tracker {
  private final SqliteDb db;
  private final ChangeCapture capture;
  private final ReadSets readSets = new ReadSets();

  public Tracker(SqliteDb db) {
    this.db = db;
    this.capture = new ChangeCapture(db);
  }

  public SqliteDb db() {
    return db;
  }

  /** Something to run under tracking. */
  @FunctionalInterface
  public interface Body {
    void run() throws Exception;
  }

  /**
   * Runs {@code body} and returns what it touched. Call it inside the savepoint that guards the
   * body, so that a failing body leaves nothing behind.
   */
  public Footprint track(Body body, boolean withReads) throws Exception {
    capture.start();
    Set<String> reads = new HashSet<>();
    if (withReads) {
      db.setListener((d, sql) -> reads.addAll(readSets.of(d, sql)));
    }
    try {
      body.run();
    } finally {
      if (withReads) {
        db.setListener(null);
      }
    }
    Set<RowKey> writes = capture.collect();
    boolean everything = reads.remove("*");
    return new Footprint(reads, everything, writes);
  }

  /**
   * Starts tracking the rows several bodies write together (a batch of submits): one capture for
   * all of them instead of one each, which would cost two statements per body. Run the bodies
   * through {@link Session#run}, each inside the savepoint that guards it.
   */
  public Session session() {
    capture.start();
    return new Session();
  }

  /** Rows written by the bodies run so far; see {@link #session()}. */
  public final class Session {
    private final Set<RowKey> writes = new HashSet<>();

    private Session() {}

    /** Runs {@code body}; its writes join the session's (or vanish with its savepoint). */
    public void run(Body body) throws Exception {
      if (capture.schemaMoved()) { // a body before changed the schema: capture its changes, re-arm
        writes.addAll(capture.collect());
        capture.start();
      }
      body.run();
    }

    /** Every row the session's bodies wrote; ends the session. */
    public Set<RowKey> writes() {
      writes.addAll(capture.collect());
      return writes;
    }
  }
}
