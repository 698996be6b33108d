package dev.sqlgit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One result row: an immutable, ordered column-to-value map. Values are {@code Long}, {@code
 * Double}, {@code String}, {@code byte[]} or {@code null}. Two rows are equal when they have the
 * same columns in the same order and equal values ({@code byte[]} by content).
 *
 * <pre>{@code
 * Row r = db.one("SELECT id, balance FROM accounts WHERE id = ?", "a").orElseThrow();
 * long balance = r.getLong("balance");
 * }</pre>
 *
 * <p>Immutable and thread-safe (a {@code byte[]} value is copied on the way out).
 */
public final class Row {
  private final List<String> columns;
  private final Object[] values;

  /**
   * Creates a row. {@code values} must have one entry per column; each is a {@code Long}, {@code
   * Double}, {@code String}, {@code byte[]} or {@code null}.
   */
  public Row(List<String> columns, List<?> values) {
    if (columns.size() != values.size()) {
      throw new IllegalArgumentException(
          columns.size() + " columns but " + values.size() + " values");
    }
    this.columns = List.copyOf(columns);
    this.values = new Object[values.size()];
    for (int i = 0; i < this.values.length; i++) {
      this.values[i] = normalise(values.get(i));
    }
  }

  private static Object normalise(Object v) {
    if (v == null || v instanceof Long || v instanceof Double || v instanceof String) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float) {
      return ((Float) v).doubleValue();
    }
    if (v instanceof byte[]) {
      return ((byte[]) v).clone();
    }
    throw new IllegalArgumentException("unsupported SQLite value type: " + v.getClass().getName());
  }

  /** Column names, in query order. */
  public List<String> columns() {
    return columns;
  }

  /** Values, in column order. */
  public List<Object> values() {
    List<Object> out = new ArrayList<>(values.length);
    for (int i = 0; i < values.length; i++) {
      out.add(value(i));
    }
    return Collections.unmodifiableList(out);
  }

  /** Number of columns. */
  public int size() {
    return values.length;
  }

  /** The value at position {@code index} (0-based). */
  public Object value(int index) {
    Object v = values[index];
    return v instanceof byte[] ? ((byte[]) v).clone() : v;
  }

  /**
   * The value of {@code column}; throws {@link IllegalArgumentException} when the row has no such
   * column (a typo should not read as {@code null}).
   */
  public Object get(String column) {
    return value(indexOf(column));
  }

  /** The value of {@code column} as text ({@code null} stays {@code null}). */
  public String getString(String column) {
    Object v = get(column);
    return v == null ? null : v instanceof byte[] ? new String((byte[]) v) : v.toString();
  }

  /** The value of {@code column} as a long ({@code null} stays {@code null}). */
  public Long getLong(String column) {
    Object v = get(column);
    if (v == null || v instanceof Long) {
      return (Long) v;
    }
    if (v instanceof Double) {
      return ((Double) v).longValue();
    }
    throw new IllegalArgumentException("column '" + column + "' is not a number: " + v);
  }

  /** The value of {@code column} as a double ({@code null} stays {@code null}). */
  public Double getDouble(String column) {
    Object v = get(column);
    if (v == null) {
      return null;
    }
    if (v instanceof Number) {
      return ((Number) v).doubleValue();
    }
    throw new IllegalArgumentException("column '" + column + "' is not a number: " + v);
  }

  /** The value of {@code column} as bytes ({@code null} stays {@code null}). */
  public byte[] getBytes(String column) {
    Object v = get(column);
    return v == null ? null : v instanceof byte[] ? (byte[]) v : v.toString().getBytes();
  }

  private int indexOf(String column) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).equalsIgnoreCase(column)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no column '" + column + "' in " + columns);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Row
        && columns.equals(((Row) o).columns)
        && Arrays.deepEquals(values, ((Row) o).values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(columns, Arrays.deepHashCode(values));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      Object v = values[i];
      sb.append(columns.get(i)).append('=');
      sb.append(v instanceof byte[] ? "x'" + hex((byte[]) v) + "'" : v);
    }
    return sb.append('}').toString();
  }

  private static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      sb.append(String.format("%02x", b));
    }
    return sb.toString();
  }
}
