package dev.sqlgit.internal.live;

import dev.sqlgit.Db;
import dev.sqlgit.Row;
import dev.sqlgit.RowMapper;
import dev.sqlgit.internal.sqlite.RowMappers;
import dev.sqlgit.internal.sqlite.Schema;
import dev.sqlgit.typed.Id;
import dev.sqlgit.typed.Table;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How a record maps to a table for the typed layer: the table ({@link Table}, or the record's
 * simple name in {@code snake_case}), its key component ({@link Id}, or {@code id}) and the key's
 * column, found in the table itself. It writes the {@code SELECT}s behind {@code Peer.find} and
 * {@code Peer.findAll}, whose identity map is keyed by the primary key.
 *
 * <p>Immutable and thread-safe once resolved.
 */
public final class RecordTable<T extends Record> {
  private final Class<T> type;
  private final String table;
  private final String keyColumn;
  private final RowMapper<T> mapper;

  private RecordTable(Class<T> type, String table, String keyColumn) {
    this.type = type;
    this.table = table;
    this.keyColumn = keyColumn;
    this.mapper = RowMappers.forType(type);
  }

  /**
   * Resolves {@code type}'s table and key column against {@code db}'s schema.
   *
   * @throws IllegalArgumentException when the record has no key component, or the table or the
   *     key column does not exist
   */
  public static <T extends Record> RecordTable<T> resolve(Class<T> type, Db db) {
    Objects.requireNonNull(type, "type");
    String table = tableOf(type);
    String key = keyComponent(type);
    List<String> columns = new ArrayList<>();
    for (Row r : db.query("SELECT name FROM pragma_table_info(?)", table)) {
      columns.add(r.getString("name"));
    }
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("no table '" + table + "' for record " + type.getSimpleName()
          + " (tables are named after the record in snake_case; annotate it with @Table(\"...\"))");
    }
    for (String c : columns) {
      if (comparable(c).equals(comparable(key))) {
        return new RecordTable<>(type, table, c);
      }
    }
    throw new IllegalArgumentException(
        "table '" + table + "' has no column for key component '" + key + "' of " + type.getSimpleName() + ": " + columns);
  }

  /** The row whose key equals {@code id}, if any. */
  public QuerySpec<T, Optional<T>> byId(Object id) {
    Objects.requireNonNull(id, "id");
    String sql = "SELECT * FROM " + Schema.quote(table) + " WHERE " + Schema.quote(keyColumn) + " = ?";
    return new QuerySpec<>(sql, new Object[] {id}, mapper, this::key,
        list -> list.isEmpty() ? Optional.empty() : Optional.of(list.get(0)));
  }

  /**
   * The rows matching {@code where} (an SQL condition with {@code ?} parameters; null for all),
   * ordered by {@code orderBy} (an SQL ordering; null for key order), at most {@code limit} (0 for
   * no limit).
   */
  public QuerySpec<T, List<T>> where(String where, String orderBy, int limit, Object... params) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0 (0 for none): " + limit);
    }
    StringBuilder sql = new StringBuilder("SELECT * FROM ").append(Schema.quote(table));
    if (where != null && !where.isBlank()) {
      sql.append(" WHERE ").append(where);
    }
    sql.append(" ORDER BY ").append(orderBy == null || orderBy.isBlank() ? Schema.quote(keyColumn) : orderBy);
    if (limit > 0) {
      sql.append(" LIMIT ").append(limit);
    }
    return new QuerySpec<>(sql.toString(), params, mapper, this::key, Collections::unmodifiableList);
  }

  private Object key(Row row) {
    Object k = row.get(keyColumn);
    return k instanceof byte[] ? java.nio.ByteBuffer.wrap((byte[]) k) : k; // arrays: key by content
  }

  static String tableOf(Class<?> type) {
    Table t = type.getAnnotation(Table.class);
    return t != null ? t.value() : snake(type.getSimpleName());
  }

  static String keyComponent(Class<? extends Record> type) {
    String byAnnotation = null;
    boolean hasId = false;
    for (RecordComponent c : type.getRecordComponents()) {
      if (c.isAnnotationPresent(Id.class) || fieldAnnotated(type, c)) {
        if (byAnnotation != null) {
          throw new IllegalArgumentException(type.getSimpleName() + " has more than one @Id component");
        }
        byAnnotation = c.getName();
      }
      hasId |= c.getName().equals("id");
    }
    if (byAnnotation != null) {
      return byAnnotation;
    }
    if (hasId) {
      return "id";
    }
    throw new IllegalArgumentException(
        type.getSimpleName() + " has no key: name a component 'id' or annotate one with @Id");
  }

  private static boolean fieldAnnotated(Class<?> type, RecordComponent c) {
    try {
      return type.getDeclaredField(c.getName()).isAnnotationPresent(Id.class);
    } catch (NoSuchFieldException e) {
      return false;
    }
  }

  /** {@code BankTransaction} → {@code bank_transaction}. */
  static String snake(String camel) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < camel.length(); i++) {
      char ch = camel.charAt(i);
      if (Character.isUpperCase(ch) && i > 0 && !Character.isUpperCase(camel.charAt(i - 1))) {
        sb.append('_');
      }
      sb.append(Character.toLowerCase(ch));
    }
    return sb.toString();
  }

  /** A column and a component match when equal ignoring case and underscores (as the mapper does). */
  private static String comparable(String name) {
    return name.replace("_", "").toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return type.getSimpleName() + " -> " + table + "(" + keyColumn + ")";
  }
}
