package dev.sqlgit;

/**
 * Something was used after {@code close()}: a {@link Peer} or a {@link Db} it handed out, a
 * resolver's {@link ConflictContext} after {@code resolve} returned, a {@code Store}, or a {@code
 * LogStore} and its open streams.
 */
public class ClosedException extends SqlGitException {
  public ClosedException(String what) {
    super(what + " is closed");
  }
}
