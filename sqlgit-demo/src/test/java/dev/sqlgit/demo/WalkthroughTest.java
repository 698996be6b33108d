package dev.sqlgit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.Peer;
import dev.sqlgit.PeerOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalkthroughTest {
  @TempDir Path dir;

  @Test
  void bothReplicasConvergeAfterTheRetriedOverdraft() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Walkthrough.Outcome outcome;
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      outcome = new Walkthrough(dir, out).run();
    }
    String output = buffer.toString(StandardCharsets.UTF_8);

    // 100 deposited, 80 + 50 spent, 30 topped up by bob's resolver: the account ends at 0.
    assertThat(outcome.balances()).containsExactly(Map.entry("Shared", 0L));
    assertThat(outcome.masterSeq()).isEqualTo(6);
    assertThat(outcome.transactions()).extracting(r -> r.getString("id"))
        .containsExactly("t1", "t2", "t3", "t4");
    assertThat(output)
        .contains("kind           ERROR")
        .contains("CHECK constraint failed")
        .contains("RETRY")
        .contains("applied 2, skipped 0, dropped 0, forced 1")
        .contains("converged: both peers hold the same state at master seq 6");

    // The cluster roots stay on disk: each replica, reopened from its own files, has that state.
    for (String id : new String[] {Walkthrough.MASTER, Walkthrough.PEER}) {
      try (Peer peer = reopen(id)) {
        assertThat(MoneyTracker.balances(peer.db())).as(id).isEqualTo(outcome.balances());
        assertThat(MoneyTracker.transactions(peer.db())).as(id)
            .isEqualTo(outcome.transactions());
        assertThat(peer.masterHead()).as(id).isEqualTo(6);
      }
    }
  }

  @Test
  void refusesAFolderThatIsNotEmpty() throws Exception {
    Files.writeString(dir.resolve("something"), "x");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {"demo", "--dir", dir.toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("must be empty");
  }

  private Peer reopen(String id) {
    return Peer.open(
        PeerOptions.builder()
            .root(dir.resolve(id))
            .peerId(id)
            .masterId(Walkthrough.MASTER)
            .actions(MoneyTracker.actions())
            .build());
  }
}
