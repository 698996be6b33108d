package dev.sqlgit.internal.log;

import dev.sqlgit.IntegrityException;
import dev.sqlgit.MasterAction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed master log: its snapshot marker (0 when none), every entry in file order, and the
 * actions, checked to run {@code marker+1, marker+2, …} without gaps.
 */
public record MasterLog(long snapshotMarker, List<MasterLogEntry> entries, List<MasterAction> actions) {

  public MasterLog {
    entries = List.copyOf(entries);
    actions = List.copyOf(actions);
  }

  /** The newest master seq in the log, or the marker when the log holds no action. */
  public long head() {
    return actions.isEmpty() ? snapshotMarker : actions.get(actions.size() - 1).seq();
  }

  /** Reads and validates a master log file of a cluster folder; a missing file is an empty log. */
  public static MasterLog read(Path file) {
    return parse(JsonlFile.read(file), file.toString());
  }

  /** Parses and validates the complete lines of a master log; {@code where} names it in errors. */
  public static MasterLog parse(List<JsonLine> lines, String where) {
    return parse(0, 0, true, lines, where);
  }

  /**
   * Parses the lines of a master log that follow the line of action {@code previous}, in a log
   * squashed to {@code marker}: the tail a reader that already knows the rest reads.
   */
  public static MasterLog parseTail(long marker, long previous, List<JsonLine> lines, String where) {
    return parse(marker, previous, false, lines, where);
  }

  private static MasterLog parse(long marker, long previous, boolean fromStart, List<JsonLine> lines, String where) {
    List<MasterLogEntry> entries = new ArrayList<>();
    List<MasterAction> actions = new ArrayList<>();
    boolean first = fromStart;
    for (JsonLine line : lines) {
      MasterLogEntry entry = LogCodec.decodeMaster(where, line);
      if (entry instanceof MasterLogEntry.Snapshot) {
        if (!first) {
          throw new IntegrityException(
              LogCodec.where(where, line) + ": a snapshot marker may only be the first line");
        }
        marker = ((MasterLogEntry.Snapshot) entry).masterSeq();
      } else if (entry instanceof MasterLogEntry.Action) {
        MasterAction a = ((MasterLogEntry.Action) entry).action();
        long expected = actions.isEmpty() ? Math.max(marker, previous) + 1 : actions.get(actions.size() - 1).seq() + 1;
        if (a.seq() != expected) {
          throw new IntegrityException(
              LogCodec.where(where, line) + ": master seq " + a.seq() + " where " + expected + " was expected");
        }
        actions.add(a);
      }
      entries.add(entry);
      first = false;
    }
    return new MasterLog(marker, entries, actions);
  }

  /** The log lines of {@code entries}. */
  public static List<String> lines(List<MasterLogEntry> entries) {
    List<String> lines = new ArrayList<>(entries.size());
    for (MasterLogEntry e : entries) {
      lines.add(LogCodec.encode(e));
    }
    return lines;
  }
}
