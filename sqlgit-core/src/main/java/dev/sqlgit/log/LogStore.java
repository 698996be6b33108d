package dev.sqlgit.log;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An append-only record stream per document id: the storage contract for sqlgit's logs on every
 * backend (a folder of JSONL files, a SQLite database, a relay server). In a cluster, a document is
 * one replica's log and a record is one log line (a JSON text without newline).
 *
 * <p>Records get consecutive seqs per document starting at 1, assigned by the store; seqs
 * continue across close and reopen, and {@link #replace} renumbers from 1. Each document has one
 * writer; readers may run concurrently with it and see whole records only.
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
 * <p>Implementations are thread-safe. Failures throw {@link dev.sqlgit.StorageException}; a
 * failed write leaves nothing partial behind.
 */
public interface LogStore extends AutoCloseable {

  /**
   * Appends {@code data} (one record, no newline) to {@code docId} durably and returns its seq.
   * Creates the document when it does not exist.
   */
  long append(String docId, String data);

  /**
   * Every record of {@code docId} in seq order, streamed (millions of records do not have to fit in
   * memory). Close the stream. Empty for an unknown document.
   */
  Stream<LogRecord> loadAll(String docId);

  /** The records of {@code docId} with seq ≥ {@code fromSeq}, in seq order, streamed. */
  Stream<LogRecord> loadFrom(String docId, long fromSeq);

  /**
   * Atomically replaces every record of {@code docId} with {@code data}, numbered from 1: readers see
   * the old records or the new ones, never a mix. Creates the document when missing.
   */
  void replace(String docId, List<String> data);

  /** Removes {@code docId} and its records. No effect when it does not exist. */
  void delete(String docId);

  /** What the store knows of {@code docId}, or empty when it does not exist. */
  Optional<LogMeta> currentMeta(String docId);

  /** The ids of the documents whose id starts with {@code prefix} (matched literally), sorted. */
  List<String> listDocIds(String prefix);

  /** Releases the store. Idempotent. */
  @Override
  void close();
}
