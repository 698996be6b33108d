package dev.sqlgit.internal.sqlite;

import dev.sqlgit.StorageException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;

/** The one place where {@link SQLException}s and file I/O errors become sqlgit exceptions. */
public final class SqliteErrors {
  /** SQLite's SQLITE_READONLY primary result code. */
  public static final int READONLY = 8;

  private SqliteErrors() {}

  /** Translates a driver error raised while running {@code sql} (may be null). */
  public static StorageException translate(SQLException e, String sql) {
    int code = e.getErrorCode() & 0xff;
    String where = sql == null ? "" : " [" + abbreviate(sql) + "]";
    return new StorageException(e.getMessage() + where, code, e);
  }

  /** Translates a file-system error on {@code path}. */
  public static StorageException io(String what, Path path, IOException e) {
    return new StorageException(what + " " + path + ": " + e, -1, e);
  }

  /** The error a write through a read-only {@link dev.sqlgit.Db} raises. */
  public static StorageException readOnly(String sql) {
    return new StorageException(
        "attempt to write a readonly database (this Db is a read-only view; write through an"
            + " action) ["
            + abbreviate(sql)
            + "]",
        READONLY,
        null);
  }

  private static String abbreviate(String sql) {
    String oneLine = sql.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 197) + "...";
  }
}
