package dev.sqlgit.log;

import java.util.Objects;

/**
 * What a {@link LogStore} knows of a document: how many records it holds, the seq of the last one
 * (0 when empty), and a {@code generation} that changes whenever the document is replaced, so a
 * reader that remembered "read up to seq N in generation G" can tell that it must start over.
 *
 * <p>The generation is an opaque token, compared for equality only: appends keep it, a {@link
 * LogStore#replace} makes it differ from the value before the replace, and it survives close and
 * reopen. It is not necessarily increasing (see {@link FolderLogStore} for a backend that derives
 * it from the file), so a reader must not order generations.
 *
 * <pre>{@code
 * LogMeta meta = logs.currentMeta("bob").orElseThrow();
 * if (meta.generation() != remembered.generation()) { readFromScratch(); }
 * }</pre>
 *
 * <p>Immutable.
 */
public record LogMeta(String docId, long count, long lastSeq, long generation) {
  public LogMeta {
    Objects.requireNonNull(docId, "docId");
  }
}
