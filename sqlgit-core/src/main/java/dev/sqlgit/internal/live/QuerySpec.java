package dev.sqlgit.internal.live;

import dev.sqlgit.Row;
import dev.sqlgit.RowMapper;
import dev.sqlgit.internal.sqlite.RowMappers;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a live query runs and how its rows become a result: the SQL and its parameters, the mapping
 * of one row to an element, the identity key of a row (for {@link RowIdentity}), and the view of
 * the element list handed to subscribers (the list itself, or its first element).
 *
 * @param <E> one row's element: a {@link Row}, a record or a scalar
 * @param <R> the result subscribers see
 */
public record QuerySpec<E, R>(
    String sql,
    Object[] params,
    RowMapper<E> mapper,
    Function<Row, Object> key,
    Function<List<E>, R> view) {

  public QuerySpec {
    Objects.requireNonNull(sql, "sql");
    // A lone null through varargs arrives as a null array: the caller meant one NULL parameter.
    params = params == null ? new Object[] {null} : params.clone();
    Objects.requireNonNull(mapper, "mapper");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(view, "view");
  }

  /** Raw rows; a row's identity is its value. */
  public static QuerySpec<Row, List<Row>> rows(String sql, Object... params) {
    return new QuerySpec<>(sql, params, row -> row, row -> row, Collections::unmodifiableList);
  }

  /**
   * Rows mapped to {@code type} as {@code Db.query(sql, Class)} maps them; a row's identity is its
   * value (use the typed layer for an identity map by primary key).
   */
  public static <T> QuerySpec<T, List<T>> mapped(String sql, Class<T> type, Object... params) {
    Objects.requireNonNull(type, "type");
    return new QuerySpec<>(sql, params, RowMappers.forType(type), row -> row, Collections::unmodifiableList);
  }

  @Override
  public String toString() {
    return sql + (params.length == 0 ? "" : " " + Arrays.toString(params));
  }
}
