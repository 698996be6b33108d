package dev.sqlgit.internal.sqlite;

import dev.sqlgit.Db;
import dev.sqlgit.ExecResult;
import dev.sqlgit.Row;
import dev.sqlgit.RowMapper;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A read-only {@link Db} over whatever database {@link Access} hands out at each call: queries run
 * with {@code PRAGMA query_only} on, and {@code exec}/{@code execScript} always throw.
 */
public final class ReadOnlyDb implements Db {

  /** Hands out the database to read, holding whatever lock keeps it stable during the call. */
  @FunctionalInterface
  public interface Access {
    <T> T read(Function<SqliteDb, T> body);
  }

  private final Access access;

  public ReadOnlyDb(Access access) {
    this.access = access;
  }

  /** A view of one fixed database. */
  public static ReadOnlyDb of(SqliteDb db) {
    return new ReadOnlyDb(new Access() {
      @Override
      public <T> T read(Function<SqliteDb, T> body) {
        return body.apply(db);
      }
    });
  }

  @Override
  public List<Row> query(String sql, Object... params) {
    return access.read(db -> db.readOnly(() -> db.query(sql, params)));
  }

  @Override
  public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
    return access.read(db -> db.readOnly(() -> db.query(sql, mapper, params)));
  }

  @Override
  public <T> List<T> query(String sql, Class<T> type, Object... params) {
    return access.read(db -> db.readOnly(() -> db.query(sql, type, params)));
  }

  @Override
  public Optional<Row> one(String sql, Object... params) {
    return access.read(db -> db.readOnly(() -> db.one(sql, params)));
  }

  @Override
  public <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... params) {
    return access.read(db -> db.readOnly(() -> db.one(sql, mapper, params)));
  }

  @Override
  public <T> Optional<T> one(String sql, Class<T> type, Object... params) {
    return access.read(db -> db.readOnly(() -> db.one(sql, type, params)));
  }

  @Override
  public ExecResult exec(String sql, Object... params) {
    throw SqliteErrors.readOnly(sql);
  }

  @Override
  public void execScript(String sql) {
    throw SqliteErrors.readOnly(sql);
  }
}
