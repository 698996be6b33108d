/**
 * SQLite plumbing behind the engine: the {@link dev.sqlgit.internal.sqlite.SqliteDb} connection
 * wrapper (the writable {@code Db} actions receive), value binding and record mapping, read and
 * write sets computed by SQLite itself ({@code EXPLAIN} and change-capture temp triggers), the
 * row-level {@code UndoJournal}, state comparison, and {@code CommitWatcher} (other connections'
 * commits, via {@code PRAGMA data_version}). All SQLException translation happens in {@code
 * SqliteErrors}.
 *
 * <p>Depends on sqlite-jdbc and the public {@code dev.sqlgit} types only. Not public API.
 */
package dev.sqlgit.internal.sqlite;
