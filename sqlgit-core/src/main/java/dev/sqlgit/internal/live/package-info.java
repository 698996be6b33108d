/**
 * Live queries (SPEC §5, STYLE §7): {@link dev.sqlgit.internal.live.LiveRegistry} holds a peer's
 * queries and marks dirty exactly those reading a table that committed work changed (the engine's
 * {@code takeChangedTables()}, drained by the peer after its outermost write released the writer
 * lock); {@link dev.sqlgit.internal.live.RegisteredQuery} re-runs on the live executor, conflated,
 * and emits only changed results; {@code RowIdentity} keeps unchanged rows' instances; {@code
 * Delivery} mailboxes hand each subscriber only the latest result, off the writer's thread.
 * Dependencies come from SQLite's {@code EXPLAIN} program ({@code internal.sqlite.QueryTables}).
 *
 * <p>Lock order: a query's run lock, then the state's read lock, then {@code QueryTables}' monitor
 * and the connection's. The registry's own locks guard lists only, and no subscriber is ever
 * called under any lock. Depends on {@code internal.sqlite} and the public {@code dev.sqlgit}
 * types. Not public API.
 */
package dev.sqlgit.internal.live;
