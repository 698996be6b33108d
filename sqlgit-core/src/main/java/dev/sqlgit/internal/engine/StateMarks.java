package dev.sqlgit.internal.engine;

import dev.sqlgit.Row;
import dev.sqlgit.log.LogMeta;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a state file holds, in the engine's terms: whose state it is, the master head it
 * integrated (and the log line of that master entry, as an anchor), how far the replica's own log
 * went (its generation and last seq) when the state was last committed, and on the master the
 * acks it recorded. {@code open} trusts
 * the file only when these still match the logs; anything else (a crash between a log write and
 * the state commit, files restored from a backup, a squash slept through) means a rebuild.
 *
 * <p>The marks live in {@code journal.db}, the state in {@code state.db}, and SQLite commits the
 * two files separately. A counter, written in both on every commit (in {@code journal.db} and as
 * {@code state.db}'s {@code PRAGMA application_id}), tells a pair that committed together from a
 * pair torn apart by a crash.
 */
record StateMarks(
    String replica,
    long head,
    String anchor,
    ClusterStorage.LinePosition anchorAt,
    long logGeneration,
    long logLastSeq,
    Map<String, Long> acks) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TABLE =
      "CREATE TABLE IF NOT EXISTS sqlgit._sqlgit_marks(id INTEGER PRIMARY KEY CHECK (id = 1),"
          + " counter INTEGER NOT NULL, replica TEXT NOT NULL, head INTEGER NOT NULL, anchor TEXT NOT NULL,"
          + " anchor_offset INTEGER NOT NULL, anchor_line INTEGER NOT NULL,"
          + " log_generation INTEGER NOT NULL, log_last_seq INTEGER NOT NULL, acks TEXT NOT NULL)";

  /**
   * @param anchor the log line of master entry {@code head} ("" when the snapshot holds it)
   * @param anchorAt where that line was last seen in the master log, to find it without a scan
   * @param log the replica's own log as the store describes it now (empty: not checked on open)
   * @param acks the master's newest ack per peer (empty for a peer), so it need not read them back
   */
  StateMarks(String replica, long head, String anchor, ClusterStorage.LinePosition anchorAt, Optional<LogMeta> log,
      Map<String, Long> acks) {
    this(replica, head, anchor, anchorAt, log.map(LogMeta::generation).orElse(0L),
        log.map(LogMeta::lastSeq).orElse(0L), Map.copyOf(acks));
  }

  /** Whether the replica's own log is still exactly as these marks saw it. */
  boolean sameLog(Optional<LogMeta> log) {
    return log.map(m -> m.generation() == logGeneration && m.lastSeq() == logLastSeq).orElse(logLastSeq == 0);
  }

  /** Creates the marks table of a state file, once, when it opens. */
  static void createTable(StateDb state) {
    state.db().internalExec(TABLE);
  }

  /** The marks of {@code state}, or empty when it has none or its two files disagree. */
  static Optional<StateMarks> read(StateDb state) {
    List<Row> rows = state.db().internalQuery("SELECT * FROM sqlgit._sqlgit_marks WHERE id = 1");
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Row r = rows.get(0);
    if (r.getLong("counter").intValue() != state.commitCounter()) {
      return Optional.empty(); // a crash let one file commit without the other
    }
    try {
      Map<String, Long> acks = JSON.readValue(r.getString("acks"), new TypeReference<Map<String, Long>>() {});
      return Optional.of(new StateMarks(r.getString("replica"), r.getLong("head"), r.getString("anchor"),
          new ClusterStorage.LinePosition(r.getLong("anchor_offset"), r.getLong("anchor_line")),
          r.getLong("log_generation"), r.getLong("log_last_seq"), acks));
    } catch (JsonProcessingException e) {
      return Optional.empty(); // not ours to trust
    }
  }

  /** Writes these marks; call it inside the transaction that changed the state they describe. */
  void write(StateDb state) {
    long counter = state.db().scalar("SELECT coalesce(max(counter), 0) + 1 FROM sqlgit._sqlgit_marks");
    String ackJson;
    try {
      ackJson = JSON.writeValueAsString(new TreeMap<>(acks));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    state.db().internalExec("INSERT OR REPLACE INTO sqlgit._sqlgit_marks VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        counter, replica, head, anchor, anchorAt.offset(), anchorAt.line(), logGeneration, logLastSeq, ackJson);
    state.db().internalExec("PRAGMA main.application_id = " + (int) counter);
    state.noteCommit(counter);
  }

  /** Removes the marks: until marked again, the state is not trusted (a copy is in progress). */
  static void invalidate(StateDb state) {
    state.db().internalExec("UPDATE sqlgit._sqlgit_marks SET replica = ''");
  }
}
