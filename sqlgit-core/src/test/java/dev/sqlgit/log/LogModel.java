package dev.sqlgit.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a {@link SqliteLogStore} should hold after a series of operations, kept in memory, with the
 * SQLite store's generations (1 when created, + 1 per replace). Not thread-safe.
 */
final class LogModel {
  private record Doc(List<String> records, long generation) {}

  private final Map<String, Doc> docs = new TreeMap<>();

  /** One operation, applied alike to a store and to the model. */
  interface Op {
    void apply(LogStore store);

    void apply(LogModel model);
  }

  static Op append(String docId, String data) {
    return new Op() {
      @Override
      public void apply(LogStore store) {
        store.append(docId, data);
      }

      @Override
      public void apply(LogModel model) {
        Doc doc = model.docs.getOrDefault(docId, new Doc(List.of(), 1));
        List<String> records = new ArrayList<>(doc.records());
        records.add(data);
        model.docs.put(docId, new Doc(records, doc.generation()));
      }

      @Override
      public String toString() {
        return "append(" + docId + ", " + data + ")";
      }
    };
  }

  static Op replace(String docId, List<String> data) {
    return new Op() {
      @Override
      public void apply(LogStore store) {
        store.replace(docId, data);
      }

      @Override
      public void apply(LogModel model) {
        Doc doc = model.docs.get(docId);
        model.docs.put(docId, new Doc(List.copyOf(data), doc == null ? 1 : doc.generation() + 1));
      }

      @Override
      public String toString() {
        return "replace(" + docId + ", " + data + ")";
      }
    };
  }

  static Op delete(String docId) {
    return new Op() {
      @Override
      public void apply(LogStore store) {
        store.delete(docId);
      }

      @Override
      public void apply(LogModel model) {
        model.docs.remove(docId);
      }

      @Override
      public String toString() {
        return "delete(" + docId + ")";
      }
    };
  }

  /** The seq the next append to {@code docId} must get. */
  long nextSeq(String docId) {
    Doc doc = docs.get(docId);
    return doc == null ? 1 : doc.records().size() + 1;
  }

  /** Asserts that {@code store} holds exactly this model for {@code docIds} and lists only it. */
  void assertHeldBy(LogStore store, List<String> docIds) {
    assertThat(store.listDocIds("")).containsExactlyElementsOf(docs.keySet());
    for (String id : docIds) {
      Doc doc = docs.get(id);
      Optional<LogMeta> expected =
          Optional.ofNullable(doc)
              .map(d -> new LogMeta(id, d.records().size(), d.records().size(), d.generation()));
      assertThat(store.currentMeta(id)).as("meta of %s", id).isEqualTo(expected);
      try (Stream<LogRecord> records = store.loadAll(id)) {
        assertThat(records.collect(Collectors.toList()))
            .as("records of %s", id)
            .isEqualTo(numbered(doc == null ? List.of() : doc.records()));
      }
    }
  }

  private static List<LogRecord> numbered(List<String> data) {
    List<LogRecord> records = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      records.add(new LogRecord(i + 1, data.get(i)));
    }
    return records;
  }
}
