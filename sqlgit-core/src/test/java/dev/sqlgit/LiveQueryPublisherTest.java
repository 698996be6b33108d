package dev.sqlgit;

import static dev.sqlgit.LiveFixture.column;
import static dev.sqlgit.LiveFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.LiveFixture.Recorder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LiveQuery#publisher()} as a Reactive Streams publisher: demand, cancel, completion. A
 * listener subscribed after the Flow subscriber is the barrier: deliveries run in subscription
 * order on the single live thread, so once the listener has a result, the Flow subscriber has had
 * its chance to receive it.
 */
@Timeout(60)
class LiveQueryPublisherTest {
  @TempDir Path dir;

  /** Records every signal as text; requests nothing by itself. */
  static final class Probe implements Flow.Subscriber<List<Row>> {
    final Recorder<String> signals = new Recorder<>();
    final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription.set(s);
      signals.accept("subscribed");
    }

    @Override
    public void onNext(List<Row> rows) {
      signals.accept("next " + column(rows, "id"));
    }

    @Override
    public void onError(Throwable t) {
      signals.accept("error " + t.getClass().getSimpleName());
    }

    @Override
    public void onComplete() {
      signals.accept("complete");
    }

    void request(long n) {
      subscription.get().request(n);
    }
  }

  @Test
  void deliversOnlyWhatWasRequestedAndKeepsTheLatestMeanwhile() {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<List<Row>> notes = peer.live("SELECT id FROM notes ORDER BY id")) {
      Probe probe = new Probe();
      notes.publisher().subscribe(probe);
      Recorder<List<Row>> barrier = new Recorder<>();
      notes.subscribe(barrier);
      assertThat(probe.signals.next()).isEqualTo("subscribed");
      barrier.next();
      assertThat(probe.signals.pending()).as("no demand yet").isEmpty();

      probe.request(1);
      assertThat(probe.signals.next()).isEqualTo("next []");

      exec(peer, "INSERT INTO notes VALUES ('n1', 'x')");
      barrier.next();
      exec(peer, "INSERT INTO notes VALUES ('n2', 'y')");
      barrier.next();
      assertThat(probe.signals.pending()).as("demand used up").isEmpty();

      probe.request(5);
      assertThat(probe.signals.next()).as("the latest, not a backlog").isEqualTo("next [n1, n2]");
      exec(peer, "INSERT INTO notes VALUES ('n3', 'z')");
      assertThat(probe.signals.next()).isEqualTo("next [n1, n2, n3]");
    }
  }

  @Test
  void cancelStopsDeliveriesAndCloseCompletesTheOthers() {
    try (Peer peer = LiveFixture.master(dir)) {
      LiveQuery<List<Row>> notes = peer.live("SELECT id FROM notes ORDER BY id");
      Probe cancelled = new Probe();
      Probe open = new Probe();
      notes.publisher().subscribe(cancelled);
      notes.publisher().subscribe(open);
      Recorder<List<Row>> barrier = new Recorder<>();
      notes.subscribe(barrier);
      assertThat(cancelled.signals.next()).isEqualTo("subscribed");
      assertThat(open.signals.next()).isEqualTo("subscribed");
      cancelled.request(Long.MAX_VALUE);
      open.request(Long.MAX_VALUE);
      assertThat(cancelled.signals.next()).isEqualTo("next []");
      assertThat(open.signals.next()).isEqualTo("next []");
      barrier.next();

      cancelled.subscription.get().cancel();
      exec(peer, "INSERT INTO notes VALUES ('n1', 'x')");
      barrier.next();
      assertThat(open.signals.next()).isEqualTo("next [n1]");
      assertThat(cancelled.signals.pending()).isEmpty();

      notes.close();
      assertThat(open.signals.next()).isEqualTo("complete");
      assertThat(peer.liveQueries().size()).isZero();
      assertThat(cancelled.signals.pending()).isEmpty();
    }
  }

  @Test
  void aNonPositiveRequestEndsTheSubscriptionWithAnError() {
    try (Peer peer = LiveFixture.master(dir);
        LiveQuery<List<Row>> notes = peer.live("SELECT id FROM notes")) {
      Probe probe = new Probe();
      notes.publisher().subscribe(probe);
      assertThat(probe.signals.next()).isEqualTo("subscribed");
      probe.request(0);
      assertThat(probe.signals.next()).isEqualTo("error IllegalArgumentException");
      Recorder<List<Row>> barrier = new Recorder<>();
      notes.subscribe(barrier);
      exec(peer, "INSERT INTO notes VALUES ('n1', 'x')");
      barrier.next();
      barrier.next();
      assertThat(probe.signals.pending()).isEmpty();
    }
  }
}
