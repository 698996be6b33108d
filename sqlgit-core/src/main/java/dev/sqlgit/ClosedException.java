package dev.sqlgit;

/** A {@link Peer} (or a {@link Db} it handed out) was used after {@code close()}. */
public class ClosedException extends SqlGitException {
  public ClosedException(String what) {
    super(what + " is closed");
  }
}
