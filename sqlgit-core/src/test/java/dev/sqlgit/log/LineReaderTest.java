package dev.sqlgit.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineReaderTest {
  @TempDir Path dir;

  @Test
  void readsCompleteLinesAcrossChunkEdgesWithMultiByteCharacters() throws IOException {
    // 'é' is two bytes in UTF-8 and "😀" four; lines longer than a 64 KB chunk force splits,
    // and an odd prefix makes a chunk edge fall inside a character.
    List<String> lines = new ArrayList<>();
    lines.add("x" + "é".repeat(40_000));
    lines.add("😀".repeat(20_001));
    for (int i = 0; i < 3_000; i++) {
      lines.add("{\"n\":" + i + ",\"s\":\"" + "ü".repeat(i % 97) + "\"}");
    }
    Path file = dir.resolve("a.jsonl");
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    assertThat(readAll(file)).isEqualTo(lines);
  }

  @Test
  void skipsBlankLinesDropsCarriageReturnsAndIgnoresAPartialTail() throws IOException {
    Path file = dir.resolve("a.jsonl");
    Files.writeString(file, "a\r\n\n \t \nb\npartial", StandardCharsets.UTF_8);
    assertThat(readAll(file)).containsExactly("a", "b");
  }

  @Test
  void readsUpToTheSizeAtOpen() throws IOException {
    Path file = dir.resolve("a.jsonl");
    Files.writeString(file, "a\nb\n", StandardCharsets.UTF_8);
    try (LineReader reader = LineReader.open(file).orElseThrow()) {
      Files.writeString(file, "c\n", StandardOpenOption.APPEND);
      List<String> read = new ArrayList<>();
      reader.forEachRemaining(read::add);
      assertThat(read).containsExactly("a", "b");
    }
  }

  @Test
  void aMissingFileIsEmptyAndAnEmptyFileHasNoLines() throws IOException {
    assertThat(LineReader.open(dir.resolve("missing.jsonl"))).isEmpty();
    Path empty = Files.createFile(dir.resolve("empty.jsonl"));
    assertThat(readAll(empty)).isEmpty();
  }

  private static List<String> readAll(Path file) {
    List<String> read = new ArrayList<>();
    try (LineReader reader = LineReader.open(file).orElseThrow()) {
      reader.forEachRemaining(read::add);
    }
    return read;
  }
}
