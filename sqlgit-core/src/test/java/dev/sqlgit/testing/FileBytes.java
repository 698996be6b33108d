package dev.sqlgit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A file's bytes, text and lines, unchecked, for asserting on logs and snapshots as they lie on
 * disk; and {@link #append}, to leave a file the way a crash or a syncer would.
 */
public final class FileBytes {
  private FileBytes() {}

  public static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bytes decoded as UTF-8. */
  public static String text(Path file) {
    return new String(bytes(file), StandardCharsets.UTF_8);
  }

  /** The lines of {@link #text}, without their line breaks. */
  public static List<String> lines(Path file) {
    return text(file).lines().toList();
  }

  /** Appends {@code text} as UTF-8; the file must exist. */
  public static void append(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
