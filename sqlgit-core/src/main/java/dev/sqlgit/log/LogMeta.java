package dev.sqlgit.log;

import java.util.Objects;

/**
 * What a {@link LogStore} knows of a document: how many records it holds, the seq of the last one
 * (0 when empty), and a {@code generation} that changes whenever the document is replaced, so a
 * reader that remembered "read up to seq N" can tell that it must start over.
 */
public record LogMeta(String docId, long count, long lastSeq, long generation) {
  public LogMeta {
    Objects.requireNonNull(docId, "docId");
  }
}
