package dev.sqlgit.testing;

import dev.sqlgit.ActionRegistry;
import dev.sqlgit.Peer;
import java.util.List;

/**
 * The notes schema of SPEC §3's quickstart: one table {@code notes(id, body)}. Two flavours of the
 * actions, because what an edit of a missing note does decides whether a rebase over a delete is
 * a conflict: {@link #actions()} lets it change nothing, {@link #strictActions()} makes it throw.
 */
public final class Notes {
  private Notes() {}

  public record Note(String id, String body) {}

  /** init, add_note, and edit_note, which changes nothing when the note does not exist. */
  public static ActionRegistry actions() {
    return base()
        .action("edit_note", Note.class, (db, n) -> db.exec("UPDATE notes SET body = ? WHERE id = ?", n.body(), n.id()))
        .build();
  }

  /** init, add_note, edit_note, which throws when the note does not exist, and delete_note. */
  public static ActionRegistry strictActions() {
    return base()
        .action("edit_note", Note.class, (db, n) -> {
          if (db.exec("UPDATE notes SET body = ? WHERE id = ?", n.body(), n.id()).changes() != 1) {
            throw new IllegalStateException("no note " + n.id());
          }
        })
        .action("delete_note", Note.class, (db, n) -> db.exec("DELETE FROM notes WHERE id = ?", n.id()))
        .build();
  }

  private static ActionRegistry.Builder base() {
    return ActionRegistry.builder()
        .action("init", (db, p) -> db.exec("CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT)"))
        .action("add_note", Note.class, (db, n) -> db.exec("INSERT INTO notes VALUES (?, ?)", n.id(), n.body()));
  }

  /** The ids of the notes on {@code replica}, in order. */
  public static List<String> ids(Peer replica) {
    return replica.db().query("SELECT id FROM notes ORDER BY id", String.class);
  }
}
