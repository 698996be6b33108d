package dev.sqlgit;

/**
 * What a write did: {@code changes} rows changed (as SQLite's {@code changes()}) and {@code lastId},
 * the rowid of the most recent insert on this connection ({@code last_insert_rowid()}).
 */
public record ExecResult(long changes, long lastId) {}
