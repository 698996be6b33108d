package dev.sqlgit.internal.log;

import dev.sqlgit.internal.sqlite.SqliteErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code snapshot.db}: a self-contained SQLite file (no {@code -wal}/{@code -shm} sidecars) so a
 * syncer copies one file. Written atomically; read whole.
 */
public final class SnapshotFile {
  private SnapshotFile() {}

  public static Optional<byte[]> read(Path file) {
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw SqliteErrors.io("cannot read", file, e);
    }
  }

  public static void write(Path file, byte[] image) {
    JsonlFile.writeAtomically(file, image);
  }
}
