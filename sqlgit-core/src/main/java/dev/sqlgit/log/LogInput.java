package dev.sqlgit.log;

import java.util.Objects;

/** The argument rules every {@link LogStore} here shares (see the interface's Javadoc). */
final class LogInput {
  private LogInput() {}

  static String docId(String docId) {
    Objects.requireNonNull(docId, "docId");
    if (docId.isEmpty()) {
      throw new IllegalArgumentException("docId must not be empty");
    }
    return docId;
  }

  /**
   * A record must survive as one line of a JSONL file: JSONL readers split on {@code \n}, drop a
   * trailing {@code \r} and skip blank lines (SPEC §1), so such a record would not read back.
   */
  static String data(String data) {
    Objects.requireNonNull(data, "data");
    if (data.indexOf('\n') >= 0 || data.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(
          "a record cannot contain a line break: " + abbreviate(data));
    }
    if (data.isBlank()) {
      throw new IllegalArgumentException("a record cannot be blank");
    }
    return data;
  }

  static long fromSeq(long fromSeq) {
    if (fromSeq < 1) {
      throw new IllegalArgumentException("fromSeq must be >= 1: " + fromSeq);
    }
    return fromSeq;
  }

  static String prefix(String prefix) {
    return Objects.requireNonNull(prefix, "prefix");
  }

  private static String abbreviate(String data) {
    String shown = data.replace("\n", "\\n").replace("\r", "\\r");
    return shown.length() <= 80 ? shown : shown.substring(0, 77) + "...";
  }
}
