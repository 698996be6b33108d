package dev.sqlgit.log;

import java.sql.SQLException;

/**
 * A test seam of {@link SqliteLogStore}: sees every statement of a write transaction ({@code BEGIN
 * IMMEDIATE}, each {@code INSERT}/{@code DELETE}, {@code COMMIT}) just before it runs, and may
 * throw to simulate the driver failing there. Package-private: production code always uses {@link
 * #NONE}. A hook rather than a wrapped {@link java.sql.Connection}, because the store's own error
 * path (rollback, the seq cache left untouched) is what a fault must exercise, and a hook reaches
 * it with one line per statement instead of a proxy of a 50-method interface.
 */
@FunctionalInterface
interface WriteFault {
  WriteFault NONE = sql -> {};

  void beforeWrite(String sql) throws SQLException;
}
