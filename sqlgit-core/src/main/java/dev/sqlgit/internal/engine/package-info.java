/**
 * The sync engine (SPEC §2): the master's incorporation and squash, the peers' rebase, the gates
 * and convergence checks, and {@link dev.sqlgit.internal.engine.MasterHistory}, the reference path
 * that rebuilds any state from snapshot + logs. Each replica has one writer; {@code StateHolder}
 * lets readers query the current state while the writer works on copies.
 *
 * <p>Depends on {@code internal.sqlite}, {@code internal.log} and the public {@code dev.sqlgit}
 * types. Not public API.
 */
package dev.sqlgit.internal.engine;
