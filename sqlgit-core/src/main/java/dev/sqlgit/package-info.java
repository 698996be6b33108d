/**
 * sqlgit's public API: {@link dev.sqlgit.Peer}, {@link dev.sqlgit.PeerOptions}, {@link
 * dev.sqlgit.ActionRegistry}, the {@link dev.sqlgit.Db} seam with {@link dev.sqlgit.Row}, sync
 * results, the {@link dev.sqlgit.Resolver} contract, and live queries ({@link
 * dev.sqlgit.LiveQuery}, {@link dev.sqlgit.Subscription}; the typed layer's annotations live in
 * {@code dev.sqlgit.typed}).
 *
 * <p>Every exception is unchecked and extends {@link dev.sqlgit.SqlGitException}; API misuse
 * (nulls, bad ids) throws the JDK's {@code IllegalArgumentException}, {@code
 * IllegalStateException} or {@code NullPointerException}. Types say in their Javadoc whether they
 * are thread-safe. Nothing here depends on {@code dev.sqlgit.internal.*} types in its signatures.
 */
package dev.sqlgit;
