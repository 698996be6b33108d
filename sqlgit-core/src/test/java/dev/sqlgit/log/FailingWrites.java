package dev.sqlgit.log;

import java.sql.SQLException;

/**
 * A {@link WriteFault} that counts the statements of write transactions once armed and makes the
 * n-th one fail, once, as SQLite would with an I/O error. Used under the store's lock only.
 */
final class FailingWrites implements WriteFault {
  private static final int SQLITE_IOERR = 10;

  private int failAt;
  private int seen;
  private String failed;

  /** Counts from now on and fails the {@code n}-th statement (0: never). */
  void arm(int n) {
    failAt = n;
    seen = 0;
    failed = null;
  }

  /** Statements seen since {@link #arm}. */
  int seen() {
    return seen;
  }

  /** The statement that was made to fail, or null. */
  String failed() {
    return failed;
  }

  @Override
  public void beforeWrite(String sql) throws SQLException {
    seen++;
    if (seen == failAt) {
      failed = sql;
      throw new SQLException(
          "injected I/O error at write #" + seen + ": " + sql, "HY000", SQLITE_IOERR);
    }
  }
}
