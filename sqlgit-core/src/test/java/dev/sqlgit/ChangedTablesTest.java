package dev.sqlgit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqlgit.internal.engine.Engine;
import dev.sqlgit.internal.engine.MasterEngine;
import dev.sqlgit.internal.engine.PeerEngine;
import dev.sqlgit.internal.engine.ClusterStorage;
import dev.sqlgit.testing.Bank;
import dev.sqlgit.testing.FileSyncer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engines report exactly the tables committed work changed (the feed for live queries). */
class ChangedTablesTest {
  @TempDir Path dir;

  private final ActionRegistry actions =
      ActionRegistry.builder()
          .action("init", (db, p) -> {
            db.execScript(Bank.SCHEMA);
            db.exec("CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT)");
          })
          .action("note", (db, p) -> db.exec("INSERT OR REPLACE INTO notes VALUES (?, ?)",
              p.get("id").asText(), p.get("body").asText()))
          .action("open", (db, p) -> db.exec("INSERT INTO accounts(id, name) VALUES (?, ?)",
              p.get("id").asText(), "x"))
          .action("deposit", (db, p) -> db.exec("INSERT INTO transactions VALUES (?, ?, ?)",
              p.get("tx").asText(), p.get("account").asText(), p.get("amount").asLong()))
          .action("boom", (db, p) -> {
            db.exec("INSERT INTO notes VALUES ('b', 'b')");
            throw new IllegalStateException("boom");
          })
          .build();


  private Engine master() {
    return MasterEngine.open(ClusterStorage.folder(dir.resolve("m")), "m", actions.catalog());
  }

  private Engine peer() {
    return PeerEngine.open(ClusterStorage.folder(dir.resolve("p")), "p", "m", actions.catalog());
  }

  private static com.fasterxml.jackson.databind.JsonNode json(String text) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void submitReportsTheTablesItsActionAndTriggersWrote() {
    Engine m = master();
    m.submit("init", json("null"));
    assertThat(m.takeChangedTables()).contains("accounts", "transactions", "notes");
    m.submit("open", json("{\"id\":\"a\"}"));
    assertThat(m.takeChangedTables()).containsExactly("accounts");
    m.submit("deposit", json("{\"tx\":\"t1\",\"account\":\"a\",\"amount\":5}"));
    assertThat(m.takeChangedTables()).containsExactlyInAnyOrder("transactions", "accounts");
    assertThat(m.takeChangedTables()).as("taking clears").isEmpty();
    m.close();
  }

  @Test
  void aRolledBackActionReportsNothing() {
    Engine m = master();
    m.submit("init", json("null"));
    m.takeChangedTables();
    assertThatThrownBy(() -> m.submit("boom", json("null"))).isInstanceOf(ActionFailedException.class);
    assertThat(m.takeChangedTables()).isEmpty();
    m.close();
  }

  @Test
  void aSyncReportsTheMastersNewWritesAndTheOwnWorkItUndidAndRedid() throws Exception {
    Engine m = master();
    m.submit("init", json("null"));
    m.submit("open", json("{\"id\":\"a\"}"));
    copy("m", "p");
    Engine p = peer();
    p.submit("note", json("{\"id\":\"n\",\"body\":\"mine\"}"));
    assertThat(p.takeChangedTables()).containsExactly("notes");

    m.submit("deposit", json("{\"tx\":\"t1\",\"account\":\"a\",\"amount\":5}"));
    copy("m", "p");
    p.sync(null);
    assertThat(p.takeChangedTables())
        .as("master wrote transactions+accounts; the pending note was undone and redone")
        .containsExactlyInAnyOrder("transactions", "accounts", "notes");

    // Nothing new from the master, nothing pending after the master took the note: nothing changes.
    copy("p", "m");
    m.sync(null);
    m.takeChangedTables();
    copy("m", "p");
    p.sync(null);
    assertThat(p.takeChangedTables()).as("the note is now the master's: same rows").containsExactly("notes");
    p.sync(null);
    assertThat(p.takeChangedTables()).isEmpty();
    m.close();
    p.close();
  }

  private void copy(String from, String to) throws Exception {
    FileSyncer syncer = new FileSyncer(dir, "m", List.of("m", "p"));
    for (String file : syncer.ownedFiles(from)) {
      syncer.deliver(file, to);
    }
  }
}
