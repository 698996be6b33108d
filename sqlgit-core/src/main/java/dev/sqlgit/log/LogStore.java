package dev.sqlgit.log;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An append-only record stream per document id: the storage contract for sqlgit's logs on every
 * backend (a folder of JSONL files, a SQLite database, a relay server). In a cluster, a document is
 * one replica's log and a record is one log line (a JSON text without newline).
 *
 * <p>Records get consecutive seqs per document starting at 1, assigned by the store; seqs continue
 * across close and reopen, and {@link #replace} renumbers from 1. Each document has one writer (one
 * store in one process); readers may run concurrently with it and see whole records only.
 *
 * <pre>{@code
 * try (LogStore logs = SqliteLogStore.open(Path.of("logs.db"), SqliteLogStore.Tables.DEFAULT)) {
 *   long seq = logs.append("bob", "{\"kind\":\"action\",...}");
 *   try (Stream<LogRecord> records = logs.loadAll("bob")) {
 *     records.forEach(r -> System.out.println(r.seq() + " " + r.data()));
 *   }
 * }
 * }</pre>
 *
 * <p>Records are opaque, non-blank strings without line breaks ({@code \n} or {@code \r}), so that
 * every backend can keep them as one line of a JSONL file; a record that breaks this rule is
 * refused with {@link IllegalArgumentException} and nothing is written. Document ids are non-empty;
 * a backend may restrict them further (see {@link FolderLogStore}). Null arguments throw {@link
 * NullPointerException}.
 *
 * <p>Implementations are thread-safe. Failures throw {@link dev.sqlgit.StorageException}; a failed
 * write leaves nothing partial behind. Every method but {@link #close} throws {@link
 * dev.sqlgit.ClosedException} once the store is closed.
 */
public interface LogStore extends AutoCloseable {

  /**
   * Appends {@code data} (one record, no line break, not blank) to {@code docId} durably and
   * returns its seq: the document's previous last seq + 1. Creates the document when it does not
   * exist.
   *
   * @throws IllegalArgumentException when {@code data} is blank or contains a line break, or the id
   *     is not valid for this store
   */
  long append(String docId, String data);

  /**
   * Appends {@code data} (records in order) to {@code docId} as one durable write, all or nothing,
   * and returns the seq of the last one (of the document's last record when {@code data} is
   * empty). Group commit uses it: one fsync for many records. This default appends one by one;
   * the stores of this package override it.
   */
  default long appendAll(String docId, List<String> data) {
    long last = currentMeta(docId).map(LogMeta::lastSeq).orElse(0L);
    for (String d : data) {
      last = append(docId, d);
    }
    return last;
  }

  /**
   * Appends {@code data} like {@link #appendAll}, all or nothing, but may return before the records
   * are durable: readers see them at once, and {@link #force} makes them durable. A writer calls it
   * holding its lock and forces after releasing it, so the next write need not wait for the fsync,
   * and one fsync covers every append made meanwhile (group commit). The default is {@link
   * #appendAll}, durable at once, which suits a store whose appends are transactions.
   *
   * <pre>{@code
   * lock.lock();
   * try {
   *   logs.appendAllDeferred("bob", lines); // written, maybe not durable yet
   * } finally {
   *   lock.unlock();
   * }
   * logs.force("bob");                      // durable now, with every append before it
   * }</pre>
   *
   * @throws IllegalArgumentException as {@link #appendAll} does; nothing is written then
   */
  default long appendAllDeferred(String docId, List<String> data) {
    return appendAll(docId, data);
  }

  /**
   * Makes every record appended to {@code docId} before this call durable, {@link
   * #appendAllDeferred} ones included. May run concurrently with appends to the same document.
   * No effect on an unknown document. The default does nothing: it suits a store whose {@link
   * #appendAllDeferred} is durable at once.
   *
   * @throws dev.sqlgit.StorageException when the records could not be made durable: whether they
   *     survive a crash is then unknown
   */
  default void force(String docId) {}

  /**
   * Every record of {@code docId} in seq order, streamed (millions of records do not have to fit in
   * memory). Empty for an unknown document. The stream shows the document as it was when the call
   * was made: a concurrent {@link #replace} is never seen half-done. Close the stream (it holds a
   * file or a connection); {@link #close() closing the store} closes streams still open.
   */
  Stream<LogRecord> loadAll(String docId);

  /**
   * The records of {@code docId} with seq ≥ {@code fromSeq}, in seq order, streamed like {@link
   * #loadAll}. Empty when {@code fromSeq} is past the last record or the document is unknown.
   *
   * @throws IllegalArgumentException when {@code fromSeq < 1}
   */
  Stream<LogRecord> loadFrom(String docId, long fromSeq);

  /**
   * Atomically replaces every record of {@code docId} with {@code data}, numbered from 1: readers
   * see the old records or the new ones, never a mix. Creates the document when missing (an empty
   * list leaves an existing, empty document). Changes the document's {@link LogMeta#generation()}.
   * The list is read once, in order, and may be large.
   *
   * @throws IllegalArgumentException when a record is blank or contains a line break; the document
   *     is then left as it was
   */
  void replace(String docId, List<String> data);

  /** Removes {@code docId} and its records. No effect when it does not exist. */
  void delete(String docId);

  /** What the store knows of {@code docId}, or empty when it does not exist. */
  Optional<LogMeta> currentMeta(String docId);

  /**
   * The ids of the documents whose id starts with {@code prefix} (matched literally and
   * case-sensitively: {@code %}, {@code _} and {@code \} are ordinary characters), sorted by {@link
   * String#compareTo}. An empty prefix lists every document.
   */
  List<String> listDocIds(String prefix);

  /**
   * Releases the store and closes streams still open (reading on from one then throws {@link
   * dev.sqlgit.ClosedException}). Idempotent.
   */
  @Override
  void close();
}
