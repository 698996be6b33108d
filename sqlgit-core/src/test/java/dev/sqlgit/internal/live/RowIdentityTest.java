package dev.sqlgit.internal.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sqlgit.Row;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RowIdentityTest {
  record Item(String id, String label) {}

  private final AtomicInteger mapped = new AtomicInteger();
  private final RowIdentity<Item> byKey = new RowIdentity<>(
      row -> {
        mapped.incrementAndGet();
        return new Item(row.getString("id"), row.getString("label"));
      },
      row -> row.get("id"));

  private static Row row(String id, String label) {
    return new Row(List.of("id", "label"), List.of(id, label));
  }

  @Test
  void anUnchangedResultIsTheSameListAndMapsNothing() {
    List<Item> first = byKey.apply(List.of(row("a", "x"), row("b", "y")));
    List<Item> second = byKey.apply(List.of(row("a", "x"), row("b", "y")));
    assertThat(second).isSameAs(first);
    assertThat(mapped).hasValue(2);
  }

  @Test
  void onlyChangedRowsAreMappedAgainAndMovedRowsKeepTheirInstance() {
    List<Item> first = byKey.apply(List.of(row("a", "x"), row("b", "y"), row("c", "z")));
    List<Item> second = byKey.apply(List.of(row("c", "z"), row("a", "x2"), row("b", "y")));
    assertThat(second).isNotSameAs(first);
    assertThat(second.get(0)).isSameAs(first.get(2));
    assertThat(second.get(1)).isNotSameAs(first.get(0)).isEqualTo(new Item("a", "x2"));
    assertThat(second.get(2)).isSameAs(first.get(1));
    assertThat(mapped).hasValue(4);
  }

  @Test
  void aRowThatDisappearsAndComesBackIsANewInstance() {
    List<Item> first = byKey.apply(List.of(row("a", "x")));
    byKey.apply(List.of());
    List<Item> third = byKey.apply(List.of(row("a", "x")));
    assertThat(third.get(0)).isNotSameAs(first.get(0)).isEqualTo(first.get(0));
  }

  @Test
  void rawRowsAreKeyedByValueSoDuplicatesShareOneInstance() {
    RowIdentity<Row> raw = new RowIdentity<>(r -> r, r -> r);
    List<Row> first = raw.apply(List.of(row("a", "x"), row("a", "x")));
    assertThat(first.get(1)).isSameAs(first.get(0));
    List<Row> second = raw.apply(List.of(row("a", "x"), row("b", "y")));
    assertThat(second.get(0)).isSameAs(first.get(0));
  }
}
