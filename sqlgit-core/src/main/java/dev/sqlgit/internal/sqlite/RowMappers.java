package dev.sqlgit.internal.sqlite;

import dev.sqlgit.RowMapper;

/**
 * The row-to-record mapping behind {@code Db.query(sql, Class)}, for callers that map rows one at
 * a time (live queries map only the rows that changed). Thread-safe; mappers are cached per type.
 */
public final class RowMappers {
  private RowMappers() {}

  /**
   * The mapper for {@code type}: a record (columns to components by name, {@code snake_case} to
   * {@code camelCase}), a single-column scalar, or {@code Row} itself.
   *
   * @throws IllegalArgumentException when {@code type} is none of those
   */
  public static <T> RowMapper<T> forType(Class<T> type) {
    return RowMapping.forType(type);
  }
}
