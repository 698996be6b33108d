package dev.sqlgit.log;

import java.util.AbstractList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Helpers for tests of {@link LogStore}s: read a document through a closed stream, make test
 * records. Shipped with {@link LogStoreContract} in the test-jar.
 */
public final class LogStoreFixtures {
  private static final String FILLER = "lorem ipsum dolor sit amet ".repeat(4);

  private LogStoreFixtures() {}

  /** Every record of {@code docId}, read through a closed stream. */
  public static List<LogRecord> load(LogStore store, String docId) {
    try (Stream<LogRecord> records = store.loadAll(docId)) {
      return records.collect(Collectors.toList());
    }
  }

  /** The data of every record of {@code docId}, in seq order. */
  public static List<String> data(LogStore store, String docId) {
    try (Stream<LogRecord> records = store.loadAll(docId)) {
      return records.map(LogRecord::data).collect(Collectors.toList());
    }
  }

  /** The records of {@code docId} from {@code fromSeq} on, read through a closed stream. */
  public static List<LogRecord> loadFrom(LogStore store, String docId, long fromSeq) {
    try (Stream<LogRecord> records = store.loadFrom(docId, fromSeq)) {
      return records.collect(Collectors.toList());
    }
  }

  /** The test record number {@code n}: a JSON text of about 120 characters. */
  public static String rec(int n) {
    return "{\"n\":" + n + ",\"text\":\"" + FILLER + "\"}";
  }

  /** Appends {@code rec(1)} … {@code rec(n)} to {@code docId}. */
  public static void appendAll(LogStore store, String docId, int n) {
    for (int i = 1; i <= n; i++) {
      store.append(docId, rec(i));
    }
  }

  /** {@code rec(1)} … {@code rec(n)}, computed on demand (so a huge list costs no memory). */
  public static List<String> generated(int n) {
    return new AbstractList<>() {
      @Override
      public String get(int index) {
        return rec(index + 1);
      }

      @Override
      public int size() {
        return n;
      }
    };
  }
}
