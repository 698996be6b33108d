package dev.sqlgit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sqlgit.StorageException;
import dev.sqlgit.storage.QueryEvent.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstrumentationTest {
  @TempDir Path dir;
  SqliteStore raw;
  final List<QueryEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open() {
    raw = SqliteStore.open(dir.resolve("app.db"), StoreOptions.defaults());
    raw.execScript(
        "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT, password TEXT);"
            + "INSERT INTO users(name, password) VALUES ('ann', 'x'), ('bob', 'y'), ('cy', 'z')");
  }

  @AfterEach
  void close() {
    raw.close();
  }

  @Test
  void eventsCarrySqlParamCountRowsAndKindButNeverParameterValues() {
    Store store = Instrumentation.wrap(raw, events::add, 1.0);

    store.query("SELECT * FROM users WHERE id > ?", 1);
    store.one("SELECT name FROM users WHERE name = ? AND password = ?", String.class, "ann", "s3cr3t");
    store.exec("UPDATE users SET password = ? WHERE name <> ?", "hunter2", "mallory");
    store.query("SELECT name FROM users", r -> r.getString("name"));

    assertThat(events)
        .extracting(QueryEvent::sql, QueryEvent::paramCount, QueryEvent::rows, QueryEvent::kind)
        .containsExactly(
            tuple("SELECT * FROM users WHERE id > ?", 1, 2L, Kind.READ),
            tuple("SELECT name FROM users WHERE name = ? AND password = ?", 2, 0L, Kind.READ),
            tuple("UPDATE users SET password = ? WHERE name <> ?", 2, 3L, Kind.WRITE),
            tuple("SELECT name FROM users", 0, 3L, Kind.READ));
    assertThat(events).allSatisfy(e -> assertThat(e.duration().isNegative()).isFalse());
    // (string values only: a number could turn up inside a duration)
    assertThat(events.toString()).doesNotContain("s3cr3t", "hunter2", "mallory");
  }

  @Test
  void rateZeroReturnsTheRawStoreItself() {
    assertThat(Instrumentation.wrap(raw, events::add, 0.0)).isSameAs(raw);
    assertThat(Instrumentation.wrap(raw, events::add, 0.0, new Random(1))).isSameAs(raw);
  }

  @Test
  void rateOneRecordsEverythingIncludingInsideTxAndScripts() {
    Store store = Instrumentation.wrap(raw, events::add, 1.0);
    store.tx(
        () -> {
          store.exec("INSERT INTO users(name) VALUES (?)", "dee");
          store.one("SELECT count(*) FROM users", Long.class);
        });
    store.execScript("DELETE FROM users WHERE name = 'dee'; DELETE FROM users WHERE name = 'nobody'");
    store.migrate("f", List.of("CREATE TABLE f(x)")); // passes through, unreported
    store.flush();

    assertThat(events)
        .extracting(QueryEvent::sql, QueryEvent::rows)
        .containsExactly(
            tuple("INSERT INTO users(name) VALUES (?)", 1L),
            tuple("SELECT count(*) FROM users", 1L),
            tuple("DELETE FROM users WHERE name = 'dee'", 1L),
            tuple("DELETE FROM users WHERE name = 'nobody'", 0L));
  }

  @Test
  void aFractionalRateWithASeededRandomRecordsAReproducibleSubset() {
    double rate = 0.3;
    Store store = Instrumentation.wrap(raw, events::add, rate, new Random(42));
    for (int i = 0; i < 100; i++) {
      store.query("SELECT " + i);
    }
    Random replay = new Random(42);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      if (replay.nextDouble() < rate) {
        expected.add("SELECT " + i);
      }
    }
    assertThat(events).extracting(QueryEvent::sql).containsExactlyElementsOf(expected);
    assertThat(expected).hasSizeBetween(1, 99);
  }

  @Test
  void sampleRatesOutsideZeroToOneAreRefused() {
    for (double bad : new double[] {-0.01, 1.01, Double.NaN}) {
      assertThatThrownBy(() -> Instrumentation.wrap(raw, events::add, bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void failingStatementsAndBrokenListenersDoNotChangeWhatTheCallerSees() {
    Store broken =
        Instrumentation.wrap(
            raw,
            e -> {
              throw new IllegalStateException("listener bug");
            },
            1.0);
    assertThat(broken.exec("INSERT INTO users(name) VALUES ('eve')").changes()).isEqualTo(1);

    Store store = Instrumentation.wrap(raw, events::add, 1.0);
    assertThatThrownBy(() -> store.exec("INSERT INTO nope VALUES (1)"))
        .isInstanceOf(StorageException.class);
    assertThat(events).isEmpty();
  }

  @Test
  void eventsAreValidated() {
    assertThatThrownBy(() -> new QueryEvent("x", -1, 0, Duration.ZERO, Kind.READ))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new QueryEvent(null, 0, 0, Duration.ZERO, Kind.READ))
        .isInstanceOf(NullPointerException.class);
  }

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }
}
