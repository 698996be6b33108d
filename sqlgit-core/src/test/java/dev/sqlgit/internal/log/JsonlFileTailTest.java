package dev.sqlgit.internal.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JsonlFile#linesAfter}: the lines after an anchor, found at a remembered offset or by a scan. */
class JsonlFileTailTest {
  @TempDir Path dir;

  private Path file(String content) throws IOException {
    Path f = dir.resolve("m.jsonl");
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void aScanFindsTheAnchorAndReportsWhereItAndEachLineAfterItStart() throws IOException {
    Path f = file("{\"a\":1}\n{\"b\":2}\n\n{\"c\":3}\n{\"d\":4}\n{\"torn\"");
    JsonlFile.Tail tail = JsonlFile.linesAfter(f, "{\"b\":2}", -1, 0).orElseThrow();
    assertThat(tail.anchorOffset()).isEqualTo(8);
    assertThat(tail.anchorNumber()).isEqualTo(2);
    assertThat(tail.lines()).containsExactly(new JsonLine(4, "{\"c\":3}"), new JsonLine(5, "{\"d\":4}"));
    assertThat(tail.offsets()).containsExactly(17L, 25L);
  }

  @Test
  void aRightHintReadsOnlyFromTheAnchorOn() throws IOException {
    // Everything before the hinted offset is unreadable garbage: only the hint can find the anchor.
    String garbage = "x".repeat(40);
    Path f = file(garbage + "\n{\"b\":2}\n{\"c\":3}\n");
    JsonlFile.Tail tail = JsonlFile.linesAfter(f, "{\"b\":2}", 41, 2).orElseThrow();
    assertThat(tail.lines()).containsExactly(new JsonLine(3, "{\"c\":3}"));
    assertThat(tail.offsets()).containsExactly(49L);
  }

  @Test
  void aStaleHintFallsBackToAScan() throws IOException {
    Path f = file("{\"marker\":0}\n{\"b\":2}\n{\"c\":3}\n"); // a rewrite moved the anchor
    JsonlFile.Tail tail = JsonlFile.linesAfter(f, "{\"b\":2}", 3, 9).orElseThrow();
    assertThat(tail.anchorOffset()).isEqualTo(13);
    assertThat(tail.lines()).extracting(JsonLine::text).containsExactly("{\"c\":3}");
  }

  @Test
  void noAnchorNoTail() throws IOException {
    Path f = file("{\"a\":1}\n{\"b\":2}");
    assertThat(JsonlFile.linesAfter(f, "{\"b\":2}", -1, 0)).as("a torn line is not a line yet").isEmpty();
    assertThat(JsonlFile.linesAfter(dir.resolve("missing.jsonl"), "{\"b\":2}", -1, 0)).isEmpty();
    assertThat(JsonlFile.linesAfter(f, "{\"a\":1", -1, 0)).as("whole lines only").isEmpty();
  }
}
