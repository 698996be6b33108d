package dev.sqlgit.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlgit.Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The JSON entries of a log file ({@code peers/<id>.jsonl}), for asserting on what was written. */
public final class LogEntries {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LogEntries() {}

  /** Every non-blank line, parsed. */
  public static List<JsonNode> read(Path log) {
    try {
      List<JsonNode> out = new ArrayList<>();
      for (String line : Files.readAllLines(log)) {
        if (!line.isBlank()) {
          out.add(JSON.readTree(line));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The entries of kind "action". */
  public static List<JsonNode> actions(Path log) {
    return read(log).stream().filter(n -> n.get("kind").asText().equals("action")).toList();
  }

  /** The last line, parsed. */
  public static JsonNode last(Path log) {
    List<String> lines = FileBytes.lines(log);
    try {
      return JSON.readTree(lines.get(lines.size() - 1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The source (author and own seq) of a master log action. */
  public static Source sourceOf(JsonNode masterAction) {
    return new Source(masterAction.get("source").get("peer").asText(), masterAction.get("source").get("seq").asLong());
  }
}
