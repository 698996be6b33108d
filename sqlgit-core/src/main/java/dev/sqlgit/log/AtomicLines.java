package dev.sqlgit.log;

import dev.sqlgit.internal.log.JsonlFile;
import dev.sqlgit.internal.sqlite.SqliteErrors;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a JSONL file with new lines atomically (SPEC §1): write a temp file next to it, fsync,
 * rename over it, fsync the folder. Unlike {@code JsonlFile.rewrite}, the lines are streamed to
 * disk, so a replace of millions of records needs no buffer of the whole file. The temp file's name
 * ({@code .<name>.<random>.tmp}) never matches {@code peers/<id>.jsonl}, so readers ignore it.
 */
final class AtomicLines {
  private AtomicLines() {}

  /**
   * Writes {@code lines} (each checked by {@link LogInput#data}) as the new content of {@code file}
   * and returns how many there were. On any failure the file is left as it was.
   */
  static long write(Path file, Iterable<String> lines) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp =
        dir.resolve(
            "."
                + file.getFileName()
                + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
    try {
      long count = 0;
      try (FileChannel ch =
              FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 64 * 1024)) {
        for (String line : lines) {
          out.write(LogInput.data(line).getBytes(StandardCharsets.UTF_8));
          out.write('\n');
          count++;
        }
        out.flush();
        ch.force(true);
      }
      JsonlFile.moveIntoPlace(tmp, file);
      return count;
    } catch (IOException e) {
      deleteQuietly(tmp, e);
      throw SqliteErrors.io("cannot write", file, e);
    } catch (RuntimeException | Error e) {
      deleteQuietly(tmp, e);
      throw e;
    }
  }

  private static void deleteQuietly(Path tmp, Throwable cause) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException suppressed) {
      cause.addSuppressed(suppressed);
    }
  }
}
