package dev.sqlgit.log;

import static dev.sqlgit.log.LogStoreFixtures.appendAll;
import static dev.sqlgit.log.LogStoreFixtures.data;
import static dev.sqlgit.log.LogStoreFixtures.generated;
import static dev.sqlgit.log.LogStoreFixtures.load;
import static dev.sqlgit.log.LogStoreFixtures.loadFrom;
import static dev.sqlgit.log.LogStoreFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sqlgit.ClosedException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance kit of {@link LogStore}: every implementation runs these tests through a short
 * subclass that says how to open a store whose data lives under a folder.
 *
 * <pre>{@code
 * class SqliteLogStoreContractTest extends LogStoreContract {
 *   @Override
 *   protected LogStore openStore(Path dir) {
 *     return SqliteLogStore.open(dir.resolve("logs.db"));
 *   }
 * }
 * }</pre>
 *
 * <p>{@link #openStore} is called again on the same folder to check persistence, so it must reopen
 * the same data. Document ids used here match {@code [A-Za-z0-9][A-Za-z0-9_-]*}, valid for every
 * store; checks that need other characters ask {@link #supportsIdCharacters} first. The
 * million-record check runs only with {@code -Dsqlgit.logstore.million=true}. Fault injection and
 * isolation depend on the backend, so they live in each implementation's own tests.
 *
 * <p>Other modules get the kit from sqlgit-core's test-jar, and bring JUnit 5 and AssertJ
 * themselves (test-scoped dependencies do not travel with a test-jar):
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.sqlgit</groupId>
 *   <artifactId>sqlgit-core</artifactId>
 *   <type>test-jar</type>
 *   <scope>test</scope>
 * </dependency>
 * }</pre>
 *
 * <p>Tests run no sleeps and assert no timings; the concurrency checks start a writer and read
 * until it is done. Each test gets a fresh {@link #dir}.
 */
public abstract class LogStoreContract {
  /** Set this system property to {@code true} to stream a million records. */
  public static final String MILLION_PROPERTY = "sqlgit.logstore.million";

  /** The folder under which {@link #openStore} keeps the store's data; fresh per test. */
  @TempDir protected Path dir;

  private final List<ExecutorService> pools = new ArrayList<>();

  /** Opens a store whose data lives under {@code dir}; a second call reopens the same data. */
  protected abstract LogStore openStore(Path dir);

  /** Whether the store accepts {@code id} as a document id; checks with such ids are skipped. */
  protected boolean supportsIdCharacters(String id) {
    return true;
  }

  @AfterEach
  void stopPools() {
    pools.forEach(ExecutorService::shutdownNow);
  }

  // --- append and load ---

  @Test
  void appendAllAppendsInOrderAsOneWriteAndContinuesTheSeqs() {
    try (LogStore store = openStore(dir)) {
      assertThat(store.append("alice", rec(1))).isEqualTo(1);
      assertThat(store.appendAll("alice", java.util.List.of(rec(2), rec(3), rec(4)))).isEqualTo(4);
      assertThat(store.appendAll("alice", java.util.List.of())).isEqualTo(4);
      assertThat(store.append("alice", rec(5))).isEqualTo(5);
      assertThat(load(store, "alice")).extracting(LogRecord::data).containsExactly(rec(1), rec(2), rec(3), rec(4), rec(5));
      assertThat(store.currentMeta("alice").orElseThrow().count()).isEqualTo(5);
      assertThatThrownBy(() -> store.appendAll("alice", java.util.List.of(rec(6), "two\nlines")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(load(store, "alice")).as("all or nothing").hasSize(5);
    }
  }

  @Test
  void appendAllDeferredAppendsLikeAppendAllAndForceMakesItLast() throws Exception {
    try (LogStore store = openStore(dir)) {
      store.force("alice"); // an unknown document: nothing to do
      assertThat(store.append("alice", rec(1))).isEqualTo(1);
      assertThat(store.appendAllDeferred("alice", List.of(rec(2), rec(3)))).isEqualTo(3);
      assertThat(load(store, "alice")).as("readers see deferred records at once").hasSize(3);
      assertThatThrownBy(() -> store.appendAllDeferred("alice", List.of(rec(4), "two\nlines")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(store.appendAllDeferred("alice", List.of())).isEqualTo(3);
      // A writer goes on appending while another thread forces: neither waits for nor hurts the other.
      Future<?> forcing = pool(1).submit(() -> {
        for (int i = 0; i < 20; i++) {
          store.force("alice");
        }
        return null;
      });
      for (int i = 4; i <= 40; i++) {
        assertThat(store.appendAllDeferred("alice", List.of(rec(i)))).isEqualTo(i);
      }
      forcing.get(30, java.util.concurrent.TimeUnit.SECONDS);
      store.force("alice");
    }
    try (LogStore store = openStore(dir)) {
      assertThat(load(store, "alice")).extracting(LogRecord::seq).containsExactlyElementsOf(
          java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList());
    }
  }

  @Test
  void appendAssignsConsecutiveSeqsFromOne() {
    try (LogStore store = openStore(dir)) {
      assertThat(store.append("alice", rec(1))).isEqualTo(1);
      assertThat(store.append("alice", rec(2))).isEqualTo(2);
      assertThat(store.append("alice", rec(3))).isEqualTo(3);
      assertThat(load(store, "alice"))
          .containsExactly(
              new LogRecord(1, rec(1)), new LogRecord(2, rec(2)), new LogRecord(3, rec(3)));
    }
  }

  @Test
  void documentsCountTheirSeqsIndependently() {
    try (LogStore store = openStore(dir)) {
      assertThat(store.append("alice", "a1")).isEqualTo(1);
      assertThat(store.append("bob", "b1")).isEqualTo(1);
      assertThat(store.append("bob", "b2")).isEqualTo(2);
      assertThat(store.append("alice", "a2")).isEqualTo(2);
      assertThat(data(store, "alice")).containsExactly("a1", "a2");
      assertThat(data(store, "bob")).containsExactly("b1", "b2");
    }
  }

  @Test
  void loadFromReturnsTheRecordsFromASeqOn() {
    try (LogStore store = openStore(dir)) {
      appendAll(store, "alice", 5);
      assertThat(loadFrom(store, "alice", 1)).hasSize(5);
      assertThat(loadFrom(store, "alice", 3))
          .containsExactly(
              new LogRecord(3, rec(3)), new LogRecord(4, rec(4)), new LogRecord(5, rec(5)));
      assertThat(loadFrom(store, "alice", 5)).containsExactly(new LogRecord(5, rec(5)));
      assertThat(loadFrom(store, "alice", 6)).isEmpty();
      assertThat(loadFrom(store, "alice", Long.MAX_VALUE)).isEmpty();
    }
  }

  @Test
  void loadFromRejectsSeqsBelowOne() {
    try (LogStore store = openStore(dir)) {
      assertThatThrownBy(() -> store.loadFrom("alice", 0))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.loadFrom("alice", -1))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void unknownDocumentIsEmptyEverywhere() {
    try (LogStore store = openStore(dir)) {
      store.append("alice", "a1");
      assertThat(load(store, "nobody")).isEmpty();
      assertThat(loadFrom(store, "nobody", 3)).isEmpty();
      assertThat(store.currentMeta("nobody")).isEmpty();
      assertThat(store.listDocIds("")).containsExactly("alice");
      assertThat(store.listDocIds("nobody")).isEmpty();
    }
  }

  @Test
  void recordsRoundTripExactly() {
    List<String> records =
        List.of(
            "{\"name\":\"Zoë\",\"city\":\"東京\",\"mood\":\"😀\"}",
            "{\"escaped\":\"line\\nbreak \\\"quoted\\\" back\\\\slash\"}",
            " {\"spaces\":\"around\",\"tab\":\"\t\"} ",
            "x".repeat(200_000),
            "a record need not be JSON: %_\\ '; DROP TABLE x; --");
    try (LogStore store = openStore(dir)) {
      records.forEach(r -> store.append("alice", r));
      assertThat(data(store, "alice")).containsExactlyElementsOf(records);
    }
  }

  @Test
  void recordsWithLineBreaksOrBlankAreRefusedAndNothingIsWritten() {
    try (LogStore store = openStore(dir)) {
      store.append("alice", "a1");
      for (String bad :
          List.of("two\nlines", "carriage\rreturn", "crlf\r\n", "\n", "", "   ", "\t")) {
        assertThatThrownBy(() -> store.append("alice", bad))
            .as("append of %s", Arrays.toString(bad.toCharArray()))
            .isInstanceOf(IllegalArgumentException.class);
      }
      assertThatThrownBy(() -> store.append("bob", "bad\n"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(data(store, "alice")).containsExactly("a1");
      assertThat(store.currentMeta("bob")).isEmpty();
      assertThat(store.append("alice", "a2")).isEqualTo(2);
    }
  }

  @Test
  void nullArgumentsAreRefused() {
    try (LogStore store = openStore(dir)) {
      assertThatThrownBy(() -> store.append(null, "x")).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> store.append("alice", null))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> store.loadAll(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> store.loadFrom(null, 1)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> store.replace(null, List.of()))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> store.replace("alice", null))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> store.delete(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> store.currentMeta(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> store.listDocIds(null)).isInstanceOf(NullPointerException.class);
      assertThat(store.listDocIds("")).isEmpty();
    }
  }

  @Test
  void emptyDocumentIdIsRefused() {
    try (LogStore store = openStore(dir)) {
      assertThatThrownBy(() -> store.append("", "x")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.loadAll("")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.replace("", List.of("x")))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  // --- meta ---

  @Test
  void currentMetaCountsRecordsAndAppendsKeepTheGeneration() {
    try (LogStore store = openStore(dir)) {
      store.append("alice", "a1");
      LogMeta first = store.currentMeta("alice").orElseThrow();
      assertThat(first.docId()).isEqualTo("alice");
      assertThat(first.count()).isEqualTo(1);
      assertThat(first.lastSeq()).isEqualTo(1);
      store.append("alice", "a2");
      store.append("alice", "a3");
      LogMeta third = store.currentMeta("alice").orElseThrow();
      assertThat(third).isEqualTo(new LogMeta("alice", 3, 3, first.generation()));
    }
  }

  // --- replace ---

  @Test
  void replaceRenumbersFromOneAndChangesTheGeneration() {
    try (LogStore store = openStore(dir)) {
      appendAll(store, "alice", 5);
      long before = store.currentMeta("alice").orElseThrow().generation();

      store.replace("alice", List.of("x", "y"));

      assertThat(load(store, "alice"))
          .containsExactly(new LogRecord(1, "x"), new LogRecord(2, "y"));
      LogMeta replaced = store.currentMeta("alice").orElseThrow();
      assertThat(replaced.count()).isEqualTo(2);
      assertThat(replaced.lastSeq()).isEqualTo(2);
      assertThat(replaced.generation()).isNotEqualTo(before);
      assertThat(store.append("alice", "z")).isEqualTo(3);
      assertThat(store.currentMeta("alice").orElseThrow().generation())
          .isEqualTo(replaced.generation());

      store.replace("alice", List.of("p", "q", "r", "s"));
      assertThat(data(store, "alice")).containsExactly("p", "q", "r", "s");
      assertThat(store.currentMeta("alice").orElseThrow().generation())
          .isNotEqualTo(replaced.generation());
      assertThat(store.append("alice", "t")).isEqualTo(5);
    }
  }

  @Test
  void replaceCreatesAMissingDocument() {
    try (LogStore store = openStore(dir)) {
      store.replace("bob", List.of("b1", "b2"));
      assertThat(load(store, "bob"))
          .containsExactly(new LogRecord(1, "b1"), new LogRecord(2, "b2"));
      assertThat(store.currentMeta("bob").orElseThrow().count()).isEqualTo(2);
      assertThat(store.listDocIds("")).containsExactly("bob");
      assertThat(store.append("bob", "b3")).isEqualTo(3);
    }
  }

  @Test
  void replaceWithNoRecordsLeavesAnEmptyDocument() {
    try (LogStore store = openStore(dir)) {
      appendAll(store, "alice", 2);
      store.replace("alice", List.of());
      assertThat(load(store, "alice")).isEmpty();
      LogMeta meta = store.currentMeta("alice").orElseThrow();
      assertThat(meta.count()).isZero();
      assertThat(meta.lastSeq()).isZero();
      assertThat(store.listDocIds("")).containsExactly("alice");
      assertThat(store.append("alice", "again")).isEqualTo(1);
    }
  }

  @Test
  void failedReplaceLeavesTheDocumentAsItWas() {
    try (LogStore store = openStore(dir)) {
      appendAll(store, "alice", 3);
      LogMeta meta = store.currentMeta("alice").orElseThrow();

      assertThatThrownBy(() -> store.replace("alice", List.of("x", "y", "bad\nrecord", "z")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.replace("alice", Arrays.asList("x", null)))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> store.replace("bob", List.of("x", "")))
          .isInstanceOf(IllegalArgumentException.class);

      assertThat(data(store, "alice")).containsExactly(rec(1), rec(2), rec(3));
      assertThat(store.currentMeta("alice")).contains(meta);
      assertThat(store.currentMeta("bob")).isEmpty();
      assertThat(store.listDocIds("")).containsExactly("alice");
      assertThat(store.append("alice", rec(4))).isEqualTo(4);
    }
  }

  @Test
  void aStreamOpenedBeforeAReplaceSeesTheOldRecordsOnly() {
    try (LogStore store = openStore(dir)) {
      appendAll(store, "alice", 50);
      try (Stream<LogRecord> old = store.loadAll("alice")) {
        Iterator<LogRecord> it = old.iterator();
        assertThat(it.next()).isEqualTo(new LogRecord(1, rec(1)));
        store.replace("alice", List.of("new1", "new2"));
        store.append("alice", "new3");
        List<LogRecord> rest = new ArrayList<>();
        it.forEachRemaining(rest::add);
        assertThat(rest).hasSize(49).allMatch(r -> r.data().equals(rec((int) r.seq())));
      }
      assertThat(data(store, "alice")).containsExactly("new1", "new2", "new3");
    }
  }

  @Test
  void aStreamShowsTheDocumentAsItWasWhenOpened() {
    try (LogStore store = openStore(dir)) {
      appendAll(store, "alice", 3);
      try (Stream<LogRecord> records = store.loadAll("alice")) {
        store.append("alice", rec(4));
        assertThat(records.map(LogRecord::seq)).containsExactly(1L, 2L, 3L);
      }
    }
  }

  // --- delete ---

  @Test
  void deleteRemovesTheDocumentOnly() {
    try (LogStore store = openStore(dir)) {
      appendAll(store, "alice", 3);
      store.append("bob", "b1");

      store.delete("alice");

      assertThat(load(store, "alice")).isEmpty();
      assertThat(store.currentMeta("alice")).isEmpty();
      assertThat(store.listDocIds("")).containsExactly("bob");
      assertThat(data(store, "bob")).containsExactly("b1");
      store.delete("alice");
      store.delete("nobody");
      assertThat(store.append("alice", "fresh")).isEqualTo(1);
      assertThat(load(store, "alice")).containsExactly(new LogRecord(1, "fresh"));
    }
  }

  // --- listDocIds ---

  @Test
  void listDocIdsIsSortedAndMatchesAPrefixCaseSensitively() {
    try (LogStore store = openStore(dir)) {
      for (String id : List.of("by", "a", "ab", "c-1", "Bx", "abc")) {
        store.append(id, "x");
      }
      assertThat(store.listDocIds("")).containsExactly("Bx", "a", "ab", "abc", "by", "c-1");
      assertThat(store.listDocIds("a")).containsExactly("a", "ab", "abc");
      assertThat(store.listDocIds("ab")).containsExactly("ab", "abc");
      assertThat(store.listDocIds("abc")).containsExactly("abc");
      assertThat(store.listDocIds("b")).containsExactly("by");
      assertThat(store.listDocIds("B")).containsExactly("Bx");
      assertThat(store.listDocIds("A")).isEmpty();
      assertThat(store.listDocIds("abcd")).isEmpty();
    }
  }

  @Test
  void listDocIdsMatchesUnderscoreLiterally() {
    try (LogStore store = openStore(dir)) {
      store.append("a_b", "x");
      store.append("axb", "x");
      assertThat(store.listDocIds("a_")).containsExactly("a_b");
      assertThat(store.listDocIds("a")).containsExactly("a_b", "axb");
      assertThat(store.listDocIds("%")).isEmpty();
      assertThat(store.listDocIds("_")).isEmpty();
    }
  }

  @Test
  void listDocIdsMatchesPercentUnderscoreAndBackslashLiterally() {
    List<String> ids = List.of("100%_done", "100_other", "100xyz", "other", "a\\b", "axb");
    assumeTrue(ids.stream().allMatch(this::supportsIdCharacters), "ids with % and \\ unsupported");
    try (LogStore store = openStore(dir)) {
      ids.forEach(id -> store.append(id, "x"));
      assertThat(store.listDocIds("100%")).containsExactly("100%_done");
      assertThat(store.listDocIds("100_")).containsExactly("100_other");
      assertThat(store.listDocIds("100")).containsExactly("100%_done", "100_other", "100xyz");
      assertThat(store.listDocIds("a\\")).containsExactly("a\\b");
      assertThat(store.listDocIds("%")).isEmpty();
      assertThat(data(store, "100%_done")).containsExactly("x");
    }
  }

  // --- persistence ---

  @Test
  void recordsMetaAndSeqsSurviveCloseAndReopen() {
    LogMeta meta;
    try (LogStore store = openStore(dir)) {
      appendAll(store, "alice", 3);
      store.append("bob", "b1");
      meta = store.currentMeta("alice").orElseThrow();
    }
    try (LogStore store = openStore(dir)) {
      assertThat(data(store, "alice")).containsExactly(rec(1), rec(2), rec(3));
      assertThat(store.currentMeta("alice")).contains(meta);
      assertThat(store.listDocIds("")).containsExactly("alice", "bob");
      assertThat(store.append("alice", rec(4))).isEqualTo(4);
      assertThat(store.append("bob", "b2")).isEqualTo(2);
    }
    try (LogStore store = openStore(dir)) {
      assertThat(load(store, "alice")).hasSize(4).last().isEqualTo(new LogRecord(4, rec(4)));
    }
  }

  @Test
  void aReplacedDocumentSurvivesReopenAndContinuesItsSeqs() {
    LogMeta meta;
    try (LogStore store = openStore(dir)) {
      appendAll(store, "alice", 5);
      store.replace("alice", List.of("x", "y"));
      meta = store.currentMeta("alice").orElseThrow();
    }
    try (LogStore store = openStore(dir)) {
      assertThat(store.currentMeta("alice")).contains(meta);
      assertThat(store.append("alice", "z")).isEqualTo(3);
      assertThat(data(store, "alice")).containsExactly("x", "y", "z");
    }
  }

  @Test
  void aDeletedDocumentStaysDeletedAfterReopen() {
    try (LogStore store = openStore(dir)) {
      appendAll(store, "alice", 2);
      store.delete("alice");
    }
    try (LogStore store = openStore(dir)) {
      assertThat(store.currentMeta("alice")).isEmpty();
      assertThat(store.listDocIds("")).isEmpty();
      assertThat(store.append("alice", "fresh")).isEqualTo(1);
    }
  }

  // --- lifecycle ---

  @Test
  void closeIsIdempotentAndTheStoreRefusesUseAfterwards() {
    LogStore store = openStore(dir);
    store.append("alice", "a1");
    store.close();
    store.close();
    assertThatThrownBy(() -> store.append("alice", "a2")).isInstanceOf(ClosedException.class);
    assertThatThrownBy(() -> store.loadAll("alice")).isInstanceOf(ClosedException.class);
    assertThatThrownBy(() -> store.loadFrom("alice", 1)).isInstanceOf(ClosedException.class);
    assertThatThrownBy(() -> store.replace("alice", List.of())).isInstanceOf(ClosedException.class);
    assertThatThrownBy(() -> store.delete("alice")).isInstanceOf(ClosedException.class);
    assertThatThrownBy(() -> store.currentMeta("alice")).isInstanceOf(ClosedException.class);
    assertThatThrownBy(() -> store.listDocIds("")).isInstanceOf(ClosedException.class);
  }

  @Test
  void closingTheStoreReleasesStreamsStillOpen() {
    LogStore store = openStore(dir);
    appendAll(store, "alice", 3);
    Stream<LogRecord> forgotten = store.loadAll("alice");
    Stream<LogRecord> started = store.loadAll("alice");
    Iterator<LogRecord> reading = started.iterator();
    assertThat(reading.next().seq()).isEqualTo(1);
    store.close();
    assertThatThrownBy(reading::hasNext).isInstanceOf(ClosedException.class);
    forgotten.close();
    started.close();
    try (LogStore reopened = openStore(dir)) {
      assertThat(reopened.append("alice", rec(4))).isEqualTo(4);
    }
  }

  // --- streaming ---

  @Test
  void streamsAreLazyAndMayBeAbandoned() {
    try (LogStore store = openStore(dir)) {
      store.replace("alice", generated(5_000));
      try (Stream<LogRecord> records = store.loadAll("alice")) {
        Iterator<LogRecord> it = records.iterator();
        assertThat(it.next()).isEqualTo(new LogRecord(1, rec(1)));
        assertThat(it.next()).isEqualTo(new LogRecord(2, rec(2)));
      }
      try (Stream<LogRecord> records = store.loadAll("alice")) {
        assertThat(records.limit(3).map(LogRecord::seq)).containsExactly(1L, 2L, 3L);
      }
      try (Stream<LogRecord> unread = store.loadFrom("alice", 10)) {
        assertThat(unread).isNotNull();
      }
      assertThat(store.append("alice", rec(5_001))).isEqualTo(5_001);
    }
  }

  @Test
  void streamsManyRecordsInOrder() {
    int n = 20_000;
    try (LogStore store = openStore(dir)) {
      store.replace("alice", generated(n));
      assertThat(checkSequence(store, "alice", 1, n)).isEqualTo(n);
      assertThat(checkSequence(store, "alice", n - 9, n)).isEqualTo(10);
      assertThat(store.currentMeta("alice").orElseThrow().count()).isEqualTo(n);
    }
  }

  @Test
  @EnabledIfSystemProperty(named = MILLION_PROPERTY, matches = "true")
  void streamsAMillionRecordsInConstantMemory() {
    int n = 1_000_000;
    long limit = 64L << 20; // the records hold over 120 MB of text
    try (LogStore store = openStore(dir)) {
      store.replace("big", generated(n)); // a lazy list: writing is not what this checks
      long baseline = usedHeapAfterGc();
      long peak = 0;
      long seq = 0;
      try (Stream<LogRecord> records = store.loadAll("big")) {
        for (Iterator<LogRecord> it = records.iterator(); it.hasNext(); ) {
          LogRecord r = it.next();
          assertThat(r.seq()).isEqualTo(++seq);
          if (seq % 200_000 == 0) {
            assertThat(r.data()).isEqualTo(rec((int) seq));
            peak = Math.max(peak, usedHeapAfterGc() - baseline);
          }
        }
      }
      assertThat(seq).isEqualTo(n);
      assertThat(peak).as("heap growth while streaming, bytes").isLessThan(limit);
      assertThat(checkSequence(store, "big", n - 2, n)).isEqualTo(3);
      assertThat(store.append("big", rec(n + 1))).isEqualTo(n + 1);
    }
  }

  // --- concurrency ---

  @Test
  void readersSeeWholeRecordsWhileAWriterAppends() throws Exception {
    int n = 400;
    try (LogStore store = openStore(dir)) {
      CountDownLatch readerStarted = new CountDownLatch(1);
      AtomicBoolean writerDone = new AtomicBoolean();
      Future<?> writer =
          pool(2)
              .submit(
                  () -> {
                    readerStarted.await();
                    for (int i = 1; i <= n; i++) {
                      assertThat(store.append("alice", padded(i))).isEqualTo(i);
                    }
                    writerDone.set(true);
                    return null;
                  });
      int reads = 0;
      int seen = 0;
      readerStarted.countDown();
      do {
        List<LogRecord> records = load(store, "alice");
        assertThat(records.size()).isGreaterThanOrEqualTo(seen);
        for (int i = 0; i < records.size(); i++) {
          assertThat(records.get(i)).isEqualTo(new LogRecord(i + 1, padded(i + 1)));
        }
        seen = records.size();
        reads++;
      } while (!writerDone.get());
      writer.get();
      assertThat(reads).isPositive();
      assertThat(load(store, "alice")).hasSize(n);
    }
  }

  @Test
  void readersSeeTheOldOrTheNewRecordsWhileAWriterReplaces() throws Exception {
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      a.add("a" + padded(i));
    }
    for (int i = 1; i <= 25; i++) {
      b.add("b" + padded(i));
    }
    try (LogStore store = openStore(dir)) {
      store.replace("alice", a);
      CountDownLatch readerStarted = new CountDownLatch(1);
      AtomicBoolean writerDone = new AtomicBoolean();
      Future<?> writer =
          pool(2)
              .submit(
                  () -> {
                    readerStarted.await();
                    for (int round = 0; round < 60; round++) {
                      store.replace("alice", round % 2 == 0 ? b : a);
                    }
                    writerDone.set(true);
                    return null;
                  });
      readerStarted.countDown();
      do {
        List<String> seen = data(store, "alice");
        assertThat(seen.equals(a) || seen.equals(b)).as("all of a or all of b: %s", seen).isTrue();
        LogMeta meta = store.currentMeta("alice").orElseThrow();
        assertThat(meta.count()).isIn((long) a.size(), (long) b.size());
      } while (!writerDone.get());
      writer.get();
      assertThat(data(store, "alice")).isEqualTo(a);
    }
  }

  @Test
  void concurrentAppendsGetDistinctConsecutiveSeqs() throws Exception {
    int threads = 4;
    int each = 100;
    try (LogStore store = openStore(dir)) {
      ExecutorService pool = pool(threads);
      CountDownLatch start = new CountDownLatch(1);
      Set<Long> seqs = ConcurrentHashMap.newKeySet();
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String who = "t" + t;
        writers.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < each; i++) {
                    assertThat(seqs.add(store.append("shared", who + "-" + i))).isTrue();
                    store.append(who, who + "-" + i);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> w : writers) {
        w.get();
      }
      List<LogRecord> shared = load(store, "shared");
      assertThat(shared).hasSize(threads * each);
      for (int i = 0; i < shared.size(); i++) {
        assertThat(shared.get(i).seq()).isEqualTo(i + 1);
      }
      for (int t = 0; t < threads; t++) {
        String who = "t" + t;
        List<String> own =
            shared.stream()
                .map(LogRecord::data)
                .filter(d -> d.startsWith(who + "-"))
                .collect(Collectors.toList());
        assertThat(own).as("%s's appends in its order", who).isEqualTo(expected(who, each));
        assertThat(data(store, who)).isEqualTo(expected(who, each));
      }
      assertThat(store.currentMeta("shared").orElseThrow().lastSeq()).isEqualTo(threads * each);
    }
  }

  // --- helpers ---

  /** Record {@code i} of varying length (up to a few KB), so lines cross buffer and page edges. */
  private static String padded(int i) {
    return "{\"n\":" + i + ",\"pad\":\"" + "p".repeat((i * 397) % 5000) + "\"}";
  }

  private static List<String> expected(String who, int each) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < each; i++) {
      out.add(who + "-" + i);
    }
    return out;
  }

  /** Streams from {@code fromSeq}, checks each record is {@code rec(seq)}, returns how many. */
  private static long checkSequence(LogStore store, String docId, long fromSeq, long lastSeq) {
    long expected = fromSeq;
    try (Stream<LogRecord> records = store.loadFrom(docId, fromSeq)) {
      for (Iterator<LogRecord> it = records.iterator(); it.hasNext(); ) {
        LogRecord r = it.next();
        assertThat(r).isEqualTo(new LogRecord(expected, rec((int) expected)));
        expected++;
      }
    }
    assertThat(expected - 1).isEqualTo(lastSeq);
    return expected - fromSeq;
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private ExecutorService pool(int threads) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    pools.add(pool);
    return pool;
  }
}
