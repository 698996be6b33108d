package dev.sqlgit.internal.sqlite;

import dev.sqlgit.Row;
import dev.sqlgit.RowMapper;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps rows to records (columns to components by name, {@code snake_case} to {@code camelCase}) or
 * to single-column scalars.
 */
final class RowMapping {
  private static final Map<Class<?>, RowMapper<?>> MAPPERS = new ConcurrentHashMap<>();

  private RowMapping() {}

  @SuppressWarnings("unchecked")
  static <T> RowMapper<T> forType(Class<T> type) {
    return (RowMapper<T>) MAPPERS.computeIfAbsent(type, RowMapping::create);
  }

  private static RowMapper<?> create(Class<?> type) {
    if (type.isRecord()) {
      return recordMapper(type);
    }
    if (isScalar(type)) {
      return row -> convert(row.value(0), type, row.columns().get(0));
    }
    if (type == Row.class) {
      return row -> row;
    }
    throw new IllegalArgumentException(
        type.getName() + " is neither a record nor a scalar type; pass a RowMapper instead");
  }

  private static boolean isScalar(Class<?> t) {
    return t == Long.class
        || t == Integer.class
        || t == Double.class
        || t == String.class
        || t == Boolean.class
        || t == byte[].class
        || t == Object.class;
  }

  private static RowMapper<?> recordMapper(Class<?> type) {
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
    }
    Constructor<?> ctor;
    try {
      ctor = type.getDeclaredConstructor(types);
      ctor.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalArgumentException("cannot use the canonical constructor of " + type, e);
    }
    return row -> {
      Object[] args = new Object[components.length];
      for (int i = 0; i < components.length; i++) {
        int column = columnFor(row.columns(), components[i].getName(), type);
        args[i] = convert(row.value(column), types[i], components[i].getName());
      }
      try {
        return ctor.newInstance(args);
      } catch (InvocationTargetException e) {
        throw new IllegalArgumentException(
            "constructing " + type.getSimpleName() + " from " + row + " failed", e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new IllegalArgumentException("cannot construct " + type.getSimpleName(), e);
      }
    };
  }

  private static int columnFor(List<String> columns, String component, Class<?> type) {
    for (int i = 0; i < columns.size(); i++) {
      String c = columns.get(i);
      if (c.equalsIgnoreCase(component) || camel(c).equals(component)) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "no column for component '" + component + "' of " + type.getSimpleName() + " in " + columns);
  }

  static String camel(String snake) {
    StringBuilder sb = new StringBuilder(snake.length());
    boolean upper = false;
    for (char ch : snake.toLowerCase(Locale.ROOT).toCharArray()) {
      if (ch == '_') {
        upper = sb.length() > 0;
      } else {
        sb.append(upper ? Character.toUpperCase(ch) : ch);
        upper = false;
      }
    }
    return sb.toString();
  }

  private static Object convert(Object v, Class<?> target, String name) {
    if (v == null) {
      if (target.isPrimitive()) {
        throw new IllegalArgumentException("'" + name + "' is NULL but maps to a " + target);
      }
      return null;
    }
    if (target == Object.class || target.isInstance(v)) {
      return v;
    }
    if (target == long.class || target == Long.class) {
      return ((Number) numeric(v, name)).longValue();
    }
    if (target == int.class || target == Integer.class) {
      return Math.toIntExact(((Number) numeric(v, name)).longValue());
    }
    if (target == double.class || target == Double.class) {
      return ((Number) numeric(v, name)).doubleValue();
    }
    if (target == float.class || target == Float.class) {
      return ((Number) numeric(v, name)).floatValue();
    }
    if (target == boolean.class || target == Boolean.class) {
      return ((Number) numeric(v, name)).longValue() != 0;
    }
    if (target == String.class) {
      return v instanceof byte[] ? new String((byte[]) v) : v.toString();
    }
    if (target == java.math.BigDecimal.class) {
      return new java.math.BigDecimal(v.toString());
    }
    if (target.isEnum()) {
      for (Object constant : target.getEnumConstants()) {
        if (((Enum<?>) constant).name().equals(v.toString())) {
          return constant;
        }
      }
      throw new IllegalArgumentException("'" + v + "' is not a constant of " + target.getName());
    }
    throw new IllegalArgumentException(
        "cannot map " + v.getClass().getSimpleName() + " to " + target.getName() + " for '" + name + "'");
  }

  private static Object numeric(Object v, String name) {
    if (v instanceof Number) {
      return v;
    }
    try {
      return Double.valueOf(v.toString());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + name + "' is not a number: " + v, e);
    }
  }
}
