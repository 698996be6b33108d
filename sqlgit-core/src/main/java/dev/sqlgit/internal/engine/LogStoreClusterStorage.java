package dev.sqlgit.internal.engine;

import dev.sqlgit.IntegrityException;
import dev.sqlgit.log.LogRecord;
import dev.sqlgit.log.LogStore;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A cluster kept in any {@link LogStore} (for example a {@code SqliteLogStore}). The snapshot is
 * the document {@value #SNAPSHOT_DOC}: the database image in base64 chunks, replaced atomically. A
 * replica id can never collide with it (ids contain no dots).
 */
final class LogStoreClusterStorage extends ClusterStorage {
  static final String SNAPSHOT_DOC = "snapshot.db";
  private static final int CHUNK = 768 * 1024; // bytes per record, before base64

  LogStoreClusterStorage(LogStore logs) {
    super(logs);
  }

  @Override
  Optional<byte[]> readSnapshot() {
    if (logs().currentMeta(SNAPSHOT_DOC).isEmpty()) {
      return Optional.empty();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Stream<LogRecord> records = logs().loadAll(SNAPSHOT_DOC)) {
      records.forEach(r -> out.writeBytes(Base64.getDecoder().decode(r.data())));
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("the snapshot in " + logs() + " is not valid base64", e);
    }
    return out.size() == 0 ? Optional.empty() : Optional.of(out.toByteArray());
  }

  @Override
  void writeSnapshot(byte[] image) {
    List<String> chunks = new ArrayList<>();
    for (int from = 0; from < image.length; from += CHUNK) {
      byte[] chunk = Arrays.copyOfRange(image, from, Math.min(image.length, from + CHUNK));
      chunks.add(Base64.getEncoder().encodeToString(chunk));
    }
    logs().replace(SNAPSHOT_DOC, chunks);
  }

  @Override
  String describe(String replica) {
    return "log '" + replica + "' in " + logs();
  }

  @Override
  public String describe() {
    return logs().toString();
  }

  @Override
  public void close() {
    // The caller owns the store.
  }
}
