package dev.sqlgit.internal.sqlite;

import java.util.List;

/**
 * Recognises statements that cannot change any schema when they succeed: queries, DML (triggers
 * run only DML too) and transaction control other than ROLLBACK. Anything else (DDL, pragmas,
 * ROLLBACK, VACUUM, a leading comment) counts as a possible schema change.
 */
final class SchemaNeutral {
  private static final List<String> KEYWORDS = List.of(
      "SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH", "VALUES", "EXPLAIN",
      "SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "END");

  private SchemaNeutral() {}

  static boolean is(String sql) {
    int start = 0;
    while (start < sql.length() && Character.isWhitespace(sql.charAt(start))) {
      start++;
    }
    for (String k : KEYWORDS) {
      int end = start + k.length();
      if (sql.regionMatches(true, start, k, 0, k.length())
          && (end == sql.length() || !isWordChar(sql.charAt(end)))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }
}
