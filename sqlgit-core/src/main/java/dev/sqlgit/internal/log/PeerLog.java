package dev.sqlgit.internal.log;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Parses and encodes a peer's own log (the log of a non-master replica). */
public final class PeerLog {
  private PeerLog() {}

  /** The entries of a peer log file of a cluster folder; a missing file has none. */
  public static List<PeerLogEntry> read(Path file) {
    return parse(JsonlFile.read(file), file.toString());
  }

  /** The entries of the complete lines of a peer log, in order; {@code where} names it in errors. */
  public static List<PeerLogEntry> parse(List<JsonLine> lines, String where) {
    List<PeerLogEntry> entries = new ArrayList<>();
    for (JsonLine line : lines) {
      entries.add(LogCodec.decodePeer(where, line));
    }
    return entries;
  }

  /** The log lines of {@code entries}. */
  public static List<String> lines(List<PeerLogEntry> entries) {
    List<String> lines = new ArrayList<>(entries.size());
    for (PeerLogEntry e : entries) {
      lines.add(LogCodec.encode(e));
    }
    return lines;
  }
}
