package dev.sqlgit;

import dev.sqlgit.testing.Notes;
import dev.sqlgit.testing.Notes.Note;
import java.nio.file.Path;

/**
 * A second process on one peer's files, for {@link SeveralProcessesTest}: opens peer {@code args[2]}
 * (master {@code args[3]}) on root {@code args[0]} and state directory {@code args[1]}, submits
 * {@code add_note} for each remaining argument, prints "done" and exits.
 */
public final class OtherProcessWriter {
  private OtherProcessWriter() {}

  public static void main(String[] args) {
    PeerOptions options = PeerOptions.builder()
        .root(Path.of(args[0]))
        .stateDir(Path.of(args[1]))
        .peerId(args[2])
        .masterId(args[3])
        .actions(Notes.actions())
        .build();
    try (Peer peer = Peer.open(options)) {
      for (int i = 4; i < args.length; i++) {
        peer.submit("add_note", new Note(args[i], "from another process"));
      }
    }
    System.out.println("done");
  }
}
