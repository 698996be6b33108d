package dev.sqlgit;

/**
 * Maps one {@link Row} to a value: {@code db.query(sql, row -> row.getString("id"))}.
 *
 * @param <T> what each row becomes
 */
@FunctionalInterface
public interface RowMapper<T> {
  T map(Row row);
}
