package dev.sqlgit.internal.live;

import dev.sqlgit.Row;
import dev.sqlgit.RowMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Row diffing with an identity map: each row of a new result is looked up by its key (the row
 * itself, or a record's primary key) among the previous result's rows; when the row is equal by
 * value, the previous element instance is reused instead of mapping it again. So an unchanged row
 * keeps its identity across results, and "nothing changed" is a reference comparison.
 *
 * <p>Not thread-safe: its query confines it to the query's run lock.
 */
final class RowIdentity<E> {
  private record Entry<E>(Row row, E element) {}

  private final RowMapper<E> mapper;
  private final Function<Row, Object> key;
  private Map<Object, Entry<E>> previous = Map.of();
  private List<E> elements;

  RowIdentity(RowMapper<E> mapper, Function<Row, Object> key) {
    this.mapper = mapper;
    this.key = key;
  }

  /**
   * Maps {@code rows}, reusing unchanged elements. Returns the previous list itself when every
   * element is the same instance in the same order (nothing to emit), else a new list.
   */
  List<E> apply(List<Row> rows) {
    Map<Object, Entry<E>> next = new HashMap<>(rows.size() * 4 / 3 + 1);
    List<E> out = new ArrayList<>(rows.size());
    for (Row row : rows) {
      Object k = key.apply(row);
      Entry<E> entry = next.get(k);
      if (entry == null || !entry.row().equals(row)) {
        Entry<E> old = previous.get(k);
        entry = old != null && old.row().equals(row) ? old : new Entry<>(row, mapper.map(row));
        next.put(k, entry);
      }
      out.add(entry.element());
    }
    previous = next;
    if (elements != null && sameInstances(elements, out)) {
      return elements;
    }
    elements = out;
    return out;
  }

  private static <E> boolean sameInstances(List<E> a, List<E> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }
}
