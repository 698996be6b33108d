package dev.sqlgit;

import static dev.sqlgit.LiveFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqlgit.LiveFixture.Recorder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Closing queries and peers releases everything: registrations, subscribers, the live thread. */
@Timeout(60)
class LiveQueryLifecycleTest {
  @TempDir Path dir;

  @Test
  void closingThePeerClosesItsQueriesAndStopsTheLiveThread() throws Exception {
    Peer peer = LiveFixture.master(dir);
    LiveQuery<List<Row>> notes = peer.live("SELECT id FROM notes");
    LiveQueryPublisherTest.Probe probe = new LiveQueryPublisherTest.Probe();
    notes.publisher().subscribe(probe);
    assertThat(probe.signals.next()).isEqualTo("subscribed");
    Thread live = liveThread("sqlgit-live-m");
    assertThat(live.isDaemon()).isTrue();

    peer.close();
    peer.close(); // idempotent

    assertThat(probe.signals.next()).isEqualTo("complete");
    live.join(5_000);
    assertThat(live.isAlive()).as("the live thread ended").isFalse();
    assertThat(peer.liveQueries().size()).isZero();
    assertThatThrownBy(notes::current).isInstanceOf(ClosedException.class);
    assertThatThrownBy(() -> notes.subscribe(rows -> {})).isInstanceOf(ClosedException.class);
    assertThatThrownBy(() -> peer.live("SELECT 1")).isInstanceOf(ClosedException.class);
    LiveQueryPublisherTest.Probe late = new LiveQueryPublisherTest.Probe();
    notes.publisher().subscribe(late); // Reactive Streams: signalled, not thrown
    assertThat(late.signals.next()).isEqualTo("subscribed");
    assertThat(late.signals.next()).isEqualTo("error ClosedException");
    notes.close(); // still fine
  }

  @Test
  void closedQueriesAreDroppedFromTheRegistry() {
    try (Peer peer = LiveFixture.master(dir)) {
      LiveQuery<List<Row>> a = peer.live("SELECT id FROM notes");
      LiveQuery<List<Row>> b = peer.live("SELECT id FROM accounts");
      assertThat(peer.liveQueries().size()).isEqualTo(2);
      a.close();
      a.close();
      assertThat(peer.liveQueries().size()).isEqualTo(1);
      assertThatThrownBy(a::current).isInstanceOf(ClosedException.class);
      exec(peer, "INSERT INTO notes VALUES ('n1', 'x')"); // nothing left to invalidate for a
      assertThat(LiveFixture.runs(a)).isEqualTo(1);
      b.close();
      assertThat(peer.liveQueries().size()).isZero();
    }
  }

  @Test
  void aQueryThatCannotRunFailsAtOnceAndStaysUnregistered() {
    try (Peer peer = LiveFixture.master(dir)) {
      assertThatThrownBy(() -> peer.live("SELECT * FROM nowhere"))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("no such table");
      assertThat(peer.liveQueries().size()).isZero();
    }
  }

  @Test
  void aGivenExecutorIsUsedAndNotShutDownByThePeer() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "app-ui"));
    try {
      try (Peer peer = Peer.open(PeerOptions.builder().root(dir).peerId("m").masterId("m")
              .actions(LiveFixture.ACTIONS).liveExecutor(pool).build())) {
        peer.submit("init", null);
        Recorder<String> threads = new Recorder<>();
        peer.live("SELECT id FROM notes").subscribe(rows -> threads.accept(Thread.currentThread().getName()));
        assertThat(threads.next()).isEqualTo("app-ui");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("sqlgit-live-m"));
      }
      assertThat(pool.isShutdown()).isFalse();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void listenersNeverRunOnTheSubmittingThread() {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<List<Row>> notes = peer.live("SELECT id FROM notes")) {
      Recorder<String> threads = new Recorder<>();
      notes.subscribe(rows -> threads.accept(Thread.currentThread().getName()));
      exec(peer, "INSERT INTO notes VALUES ('n1', 'x')");
      assertThat(List.of(threads.next(), threads.next())).containsOnly("sqlgit-live-m");
    }
  }

  private static Thread liveThread(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no thread " + name));
  }
}
