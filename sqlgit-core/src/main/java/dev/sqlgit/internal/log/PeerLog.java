package dev.sqlgit.internal.log;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes a peer's own log ({@code peers/<id>.jsonl} of a non-master peer). */
public final class PeerLog {
  private PeerLog() {}

  /** The entries of {@code file} in file order; a missing file has none. */
  public static List<PeerLogEntry> read(Path file) {
    List<PeerLogEntry> entries = new ArrayList<>();
    for (JsonLine line : JsonlFile.read(file)) {
      entries.add(LogCodec.decodePeer(file, line));
    }
    return entries;
  }

  public static void append(Path file, PeerLogEntry entry) {
    JsonlFile.append(file, List.of(LogCodec.encode(entry)));
  }

  public static void rewrite(Path file, List<PeerLogEntry> entries) {
    List<String> lines = new ArrayList<>(entries.size());
    for (PeerLogEntry e : entries) {
      lines.add(LogCodec.encode(e));
    }
    JsonlFile.rewrite(file, lines);
  }
}
