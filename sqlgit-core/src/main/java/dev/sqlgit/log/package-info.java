/**
 * The log storage contract ({@link dev.sqlgit.log.LogStore}) and its implementations: an
 * append-only record stream per document id, on a folder of JSONL files or in a SQLite database.
 *
 * <p>Depends on the public {@code dev.sqlgit} types and sqlite-jdbc only. Thread-safe unless a type
 * says otherwise; failures are {@link dev.sqlgit.StorageException}s.
 */
package dev.sqlgit.log;
