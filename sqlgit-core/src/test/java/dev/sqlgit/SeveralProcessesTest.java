package dev.sqlgit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.testing.FileSyncer;
import dev.sqlgit.testing.Notes;
import dev.sqlgit.testing.Notes.Note;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §6: several processes (or several engines of one) open the same peer's files. They take
 * turns writing; each recovers counters and pending work from disk when it takes over; live
 * queries refresh after another writer's commit.
 */
class SeveralProcessesTest {
  @TempDir Path dir;

  private FileSyncer net;

  private PeerOptions options(String id) {
    return PeerOptions.builder()
        .root(net.rootOf(id))
        .stateDir(dir.resolve("state-" + id))
        .peerId(id)
        .masterId("m")
        .actions(Notes.actions())
        .build();
  }

  private void cluster() {
    net = new FileSyncer(dir, "m", List.of("m", "p"));
    try (Peer m = Peer.open(options("m"))) {
      m.submit("init", null);
    }
    net.deliverAll();
  }

  @Test
  void twoEnginesOnOnePeerTakeTurnsAndSeeEachOthersWork() throws Exception {
    cluster();
    try (Peer first = Peer.open(options("p")); Peer second = Peer.open(options("p"))) {
      LiveQuery<List<Row>> notes = first.live("SELECT id FROM notes ORDER BY id");
      first.submit("add_note", new Note("a", "x"));
      second.submit("add_note", new Note("b", "x"));
      awaitSize(notes, 2, "the first engine's live query shows the second's note");
      first.submit("add_note", new Note("c", "x"));
      assertThat(first.pending()).extracting(PeerAction::seq).as("seqs never reused").containsExactly(1L, 2L, 3L);
      assertThat(second.db().query("SELECT id FROM notes ORDER BY id", String.class)).containsExactly("a", "b", "c");
    }
    try (Peer p = Peer.open(options("p"))) {
      assertThat(p.rebuiltOnOpen()).isFalse();
      assertThat(p.pending()).extracting(PeerAction::name).containsExactly("add_note", "add_note", "add_note");
    }
  }

  @Test
  void aSyncByOneEngineIsTakenOverByTheOther() {
    cluster();
    try (Peer first = Peer.open(options("p")); Peer second = Peer.open(options("p"))) {
      first.submit("add_note", new Note("a", "x"));
      net.deliverAll();
      try (Peer m = Peer.open(options("m"))) {
        m.sync();
        m.submit("add_note", new Note("m1", "x"));
      }
      net.deliverAll();
      second.sync();
      first.submit("add_note", new Note("b", "x")); // written on the head the second engine integrated
      assertThat(first.masterHead()).isEqualTo(3);
      assertThat(first.pending()).extracting(PeerAction::seq).containsExactly(2L);
      assertThat(Notes.ids(first)).containsExactly("a", "b", "m1");
    }
  }

  @Test
  void aWriteFromAnotherProcessReachesALiveQuery() throws Exception {
    cluster();
    try (Peer p = Peer.open(options("p"))) {
      LiveQuery<List<Row>> notes = p.live("SELECT id FROM notes ORDER BY id");
      p.submit("add_note", new Note("a", "x"));
      runOtherProcess("p", "b", "c");
      awaitSize(notes, 3, "the other process's notes reach the live query");
      p.submit("add_note", new Note("d", "x"));
      assertThat(p.pending()).extracting(PeerAction::seq).containsExactly(1L, 2L, 3L, 4L);
      assertThat(Notes.ids(p)).containsExactly("a", "b", "c", "d");
    }
  }

  private void runOtherProcess(String peer, String... notes) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), OtherProcessWriter.class.getName(),
        net.rootOf(peer).toString(), dir.resolve("state-" + peer).toString(), peer, "m"));
    command.addAll(List.of(notes));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the other process finishes").isTrue();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(output).isZero();
  }

  /** Waits (bounded) until {@code query} emits a result of {@code size} rows. */
  private static void awaitSize(LiveQuery<List<Row>> query, int size, String what) throws InterruptedException {
    CountDownLatch reached = new CountDownLatch(1);
    try (Subscription s = query.subscribe(rows -> {
      if (rows.size() == size) {
        reached.countDown();
      }
    })) {
      assertThat(reached.await(10, TimeUnit.SECONDS)).as(what).isTrue();
    }
  }
}
