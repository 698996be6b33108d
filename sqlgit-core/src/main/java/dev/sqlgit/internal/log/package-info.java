/**
 * The cluster root on disk (SPEC §1): {@code peers/<id>.jsonl} logs and {@code snapshot.db}, the
 * sealed entry kinds of each log, their exact JSON form, and the file primitives (fsynced appends,
 * atomic rewrites, readers that ignore a trailing partial line). Malformed complete lines raise
 * {@link dev.sqlgit.IntegrityException} naming file and line; nothing is dropped silently.
 *
 * <p>Depends on Jackson and the public {@code dev.sqlgit} types. Not public API.
 */
package dev.sqlgit.internal.log;
