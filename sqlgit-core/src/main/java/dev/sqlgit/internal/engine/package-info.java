/**
 * The sync engine (SPEC §2): the master's incorporation and squash, the peers' rebase, the gates
 * and convergence checks, and {@link dev.sqlgit.internal.engine.MasterHistory}, the reference path
 * that rebuilds any state from snapshot + logs (or, as a tail, serves the fast path with only the
 * entries after a head). The fast path ({@code InPlaceRebase}, {@code InPlaceGates}) works on the
 * live state inside savepoints. A replica's state lives in memory or in a state folder ({@code
 * StateDb}, {@code StateMarks}: what the files hold, checked against the logs on open; {@code
 * WriterLock}: one writing process at a time). {@code StateHolder} lets readers query the current
 * state while the writer works. {@code GroupCommit} runs a replica's submits in batches on a writer
 * thread and fsyncs them on another; {@code LogFlusher} makes a batch's log lines durable after
 * the writer lock is released, one fsync for every batch appended meanwhile.
 *
 * <p>Depends on {@code internal.sqlite}, {@code internal.log}, the public {@code dev.sqlgit.log}
 * stores and the public {@code dev.sqlgit} types. Not public API.
 */
package dev.sqlgit.internal.engine;
