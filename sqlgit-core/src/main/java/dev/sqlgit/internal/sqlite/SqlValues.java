package dev.sqlgit.internal.sqlite;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/** Binds Java values to statement parameters and reads SQLite values back, in one vocabulary. */
final class SqlValues {
  private SqlValues() {}

  static void bind(PreparedStatement ps, Object[] params) throws SQLException {
    ps.clearParameters();
    for (int i = 0; i < params.length; i++) {
      bind(ps, i + 1, params[i]);
    }
  }

  private static void bind(PreparedStatement ps, int index, Object v) throws SQLException {
    if (v == null) {
      ps.setNull(index, Types.NULL);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      ps.setLong(index, ((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      ps.setDouble(index, ((Number) v).doubleValue());
    } else if (v instanceof String) {
      ps.setString(index, (String) v);
    } else if (v instanceof byte[]) {
      ps.setBytes(index, (byte[]) v);
    } else if (v instanceof Boolean) {
      ps.setLong(index, ((Boolean) v) ? 1 : 0);
    } else if (v instanceof Enum<?>) {
      ps.setString(index, ((Enum<?>) v).name());
    } else if (v instanceof Character || v instanceof java.math.BigInteger) {
      ps.setString(index, v.toString());
    } else if (v instanceof java.math.BigDecimal) {
      ps.setString(index, ((java.math.BigDecimal) v).toPlainString());
    } else {
      throw new IllegalArgumentException(
          "parameter " + index + " has unsupported type " + v.getClass().getName());
    }
  }

  /** The value of column {@code index} (1-based) as Long, Double, String, byte[] or null. */
  static Object read(ResultSet rs, int index) throws SQLException {
    Object v = rs.getObject(index);
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float) {
      return ((Float) v).doubleValue();
    }
    return v;
  }
}
