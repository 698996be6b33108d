/**
 * The storage seam (SPEC §4): {@link dev.sqlgit.storage.Store}, a small synchronous SQL interface
 * with transactions, per-feature migrations and a durability point, and its SQLite implementation
 * {@link dev.sqlgit.storage.SqliteStore}, configured by {@link dev.sqlgit.storage.StoreOptions}
 * (group commit, {@code synchronous}). {@link dev.sqlgit.storage.Instrumentation} wraps any store
 * to report sampled {@link dev.sqlgit.storage.QueryEvent}s.
 *
 * <pre>{@code
 * try (Store store = SqliteStore.open(Path.of("app.db"), StoreOptions.defaults())) {
 *   store.migrate("notes", List.of("CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT)"));
 *   store.tx(() -> store.exec("INSERT INTO notes VALUES (?, ?)", "n1", "hello"));
 * }
 * }</pre>
 *
 * <p><b>Priorities:</b> correctness and durability first (each write's atomicity survives group
 * commit; migrations are all-or-nothing per entry), then a single, short, documented code path per
 * behaviour, then throughput (group commit and cached statements are the levers).
 *
 * <p><b>Threading:</b> every public type here is thread-safe unless its Javadoc says otherwise. Each
 * database has one writer connection behind one lock; read-only connections in WAL mode serve reads
 * from other threads without waiting for it. The only thread this package starts is the write
 * queue's commit timer, {@code sqlgit-writequeue-<file>} (a daemon).
 *
 * <p><b>Errors:</b> unchecked and rooted at {@link dev.sqlgit.SqlGitException}: {@link
 * dev.sqlgit.StorageException} for SQLite and file failures (translated only in {@code
 * internal.sqlite.SqliteErrors}), {@link dev.sqlgit.ClosedException} after close, {@link
 * dev.sqlgit.storage.MigrationOwnershipException} and {@link
 * dev.sqlgit.storage.MigrationChangedException} for refused migrations; misuse throws the JDK's
 * {@code IllegalArgumentException}/{@code IllegalStateException}/{@code NullPointerException}.
 *
 * <p><b>Dependencies:</b> the public {@code dev.sqlgit} types, {@code dev.sqlgit.internal.sqlite}
 * (connection wrapper, script splitting, schema introspection, error translation), sqlite-jdbc and
 * slf4j; nothing else in sqlgit, so the engine may depend on this package and not the reverse.
 */
package dev.sqlgit.storage;
