/**
 * The log storage contract ({@link dev.sqlgit.log.LogStore}) and its implementations: an
 * append-only record stream per document id, in a cluster root's folder of JSONL files ({@link
 * dev.sqlgit.log.FolderLogStore}, the SPEC §1 layout) or in a SQLite database ({@link
 * dev.sqlgit.log.SqliteLogStore}, table names configurable so stores share a database).
 *
 * <p>Priorities: nothing acknowledged is lost (an append returns once durable; a deferred append
 * is durable once {@code force} returned), nothing partial is ever visible (a failed write leaves
 * the document as it was, a replace is all or nothing, a reader sees whole records only), and
 * reading a document of millions of records takes constant memory (records are streamed; close
 * the stream).
 *
 * <pre>{@code
 * try (LogStore logs = FolderLogStore.open(root)) {
 *   long seq = logs.append("alice", line);
 *   try (Stream<LogRecord> tail = logs.loadFrom("bob", lastSeenSeq + 1)) {
 *     tail.forEach(this::apply);
 *   }
 * }
 * }</pre>
 *
 * <p>Threading: every store here is thread-safe; each document has one writer (one store in one
 * process), readers run in parallel with it. Errors: file-system and SQLite failures are {@link
 * dev.sqlgit.StorageException}s, use after {@code close()} is a {@link dev.sqlgit.ClosedException},
 * bad arguments are {@code IllegalArgumentException}/{@code NullPointerException}. The conformance
 * kit {@code LogStoreContract} (in this module's test-jar) checks any implementation against the
 * contract.
 *
 * <p>Depends on the public {@code dev.sqlgit} types, sqlite-jdbc and the cluster-layout primitives
 * of {@code dev.sqlgit.internal.log}.
 */
package dev.sqlgit.log;
