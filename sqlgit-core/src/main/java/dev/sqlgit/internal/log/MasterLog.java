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
    long marker = 0;
    List<MasterLogEntry> entries = new ArrayList<>();
    List<MasterAction> actions = new ArrayList<>();
    boolean first = true;
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
        long expected = actions.isEmpty() ? marker + 1 : actions.get(actions.size() - 1).seq() + 1;
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
