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

  public static MasterLog empty() {
    return new MasterLog(0, List.of(), List.of());
  }

  /** The newest master seq in the log, or the marker when the log holds no action. */
  public long head() {
    return actions.isEmpty() ? snapshotMarker : actions.get(actions.size() - 1).seq();
  }

  /** Reads and validates {@code file}; a missing file is an empty log. */
  public static MasterLog read(Path file) {
    long marker = 0;
    List<MasterLogEntry> entries = new ArrayList<>();
    List<MasterAction> actions = new ArrayList<>();
    boolean first = true;
    for (JsonLine line : JsonlFile.read(file)) {
      MasterLogEntry entry = LogCodec.decodeMaster(file, line);
      if (entry instanceof MasterLogEntry.Snapshot) {
        if (!first) {
          throw new IntegrityException(
              LogCodec.where(file, line) + ": a snapshot marker may only be the first line");
        }
        marker = ((MasterLogEntry.Snapshot) entry).masterSeq();
      } else if (entry instanceof MasterLogEntry.Action) {
        MasterAction a = ((MasterLogEntry.Action) entry).action();
        long expected = actions.isEmpty() ? marker + 1 : actions.get(actions.size() - 1).seq() + 1;
        if (a.seq() != expected) {
          throw new IntegrityException(
              LogCodec.where(file, line) + ": master seq " + a.seq() + " where " + expected + " was expected");
        }
        actions.add(a);
      }
      entries.add(entry);
      first = false;
    }
    return new MasterLog(marker, entries, actions);
  }

  public static void append(Path file, List<MasterLogEntry> entries) {
    List<String> lines = new ArrayList<>(entries.size());
    for (MasterLogEntry e : entries) {
      lines.add(LogCodec.encode(e));
    }
    JsonlFile.append(file, lines);
  }

  public static void rewrite(Path file, List<MasterLogEntry> entries) {
    List<String> lines = new ArrayList<>(entries.size());
    for (MasterLogEntry e : entries) {
      lines.add(LogCodec.encode(e));
    }
    JsonlFile.rewrite(file, lines);
  }
}
