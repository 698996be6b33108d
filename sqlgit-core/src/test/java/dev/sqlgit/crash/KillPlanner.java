package dev.sqlgit.crash;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Decides when to kill a child. After a random number of acknowledged submits, it waits for a
 * trigger: the start of the target phase (a {@code BEGIN} line) or, for three targets, a file
 * event ({@link FileEvents}): the creation of the snapshot's temp file (the kill then lands in the
 * snapshot write or between it and the master log rewrite), of the master log's temp file
 * (mid-rewrite of a squash) or of a peer's own-log temp file (mid-rewrite of a sync). Then it lets
 * the child run for a random delay and kills it. A phase trigger's delay is a random fraction of a
 * duration this phase took before (measured from BEGIN/END lines), so kills reach its slow tail
 * (an fsync, a squash) without knowing its internals; a file trigger's is at most {@link
 * #FILE_WINDOW_NANOS}, mostly shorter. If the phase ends before the delay ran out, the kill is
 * called off and waits for the next trigger. The delay is the point of the test, not a wait for
 * work; it is spent in bounded polls of the child's output.
 */
final class KillPlanner {
  static final List<String> PHASES =
      List.of("open", "submit-master", "submit-peer", "sync-master", "sync-peer", "deliver", "squash");
  /** Targets: every phase, then the three file events. */
  static final List<String> TARGETS = Stream.concat(
      PHASES.stream(), Stream.of("snapshot-temp", "master-log-temp", "peer-log-temp")).toList();
  /** A kill after a file event waits up to this; a write + fsync + rename takes ~0.5 ms here. */
  static final long FILE_WINDOW_NANOS = 1_000_000;
  private static final long DEFAULT_NANOS = 2_000_000;
  private static final int KEEP = 64;
  private static final int MAX_CALLED_OFF = 20;
  /** A safety net, not a timing: a child that never reached its trigger is killed after this. */
  private static final long OVERDUE_NANOS = 30_000_000_000L;

  private final Random random;
  private final Map<String, List<Long>> durations = new HashMap<>();
  private final Map<String, Long> begun = new HashMap<>();
  private int acks;
  private int calledOff;
  private int overdue;

  KillPlanner(Random random) {
    this.random = random;
  }

  /** Reads {@code child}'s lines and file events until the planned point, then kills it. */
  List<String> killDuring(ChildProcess child, String target) {
    int warmup = target.equals("open") ? 0 : random.nextInt(30);
    begun.clear();
    acks = 0;
    int tries = 0;
    long started = System.nanoTime();
    while (true) {
      ChildProcess.Line line = child.next();
      note(line);
      long delay = acks >= warmup ? delayAfter(target, line.text()) : -1;
      if (delay >= 0) {
        boolean inside = runsOutInside(child, delay);
        // open happens once per child, so that kill is never called off
        if (inside || target.equals("open") || ++tries > MAX_CALLED_OFF) {
          return child.kill();
        }
        calledOff++;
      } else if (System.nanoTime() - started > OVERDUE_NANOS) {
        overdue++;
        return child.kill();
      }
    }
  }

  /** The delay before a kill when {@code line} triggers {@code target}, or -1. */
  private long delayAfter(String target, String line) {
    if (line.equals("BEGIN " + target)) {
      return (long) (random.nextDouble() * sampleDuration(target));
    }
    if (line.startsWith("FILE ") && createdBy(target, line.substring(5))) {
      double u = random.nextDouble();
      return (long) (u * u * FILE_WINDOW_NANOS); // mostly short: the windows are
    }
    return -1;
  }

  /** Polls the child's output for {@code delay}: true when it ran out before the phase ended. */
  private boolean runsOutInside(ChildProcess child, long delay) {
    long deadline = System.nanoTime() + delay;
    for (long left = delay; left > 0; left = deadline - System.nanoTime()) {
      ChildProcess.Line line = child.poll(left);
      if (line == null) {
        return true;
      }
      note(line);
      if (line.text().startsWith("END ")) {
        return false;
      }
    }
    return true;
  }

  private void note(ChildProcess.Line line) {
    String[] words = line.text().split(" ");
    if (words[0].equals("BEGIN")) {
      begun.put(words[1], line.nanos());
    } else if (words[0].equals("END")) {
      Long start = begun.remove(words[1]);
      if (start != null) {
        observe(words[1], line.nanos() - start);
      }
    } else if (words[0].equals("ACK")) {
      acks++;
    }
  }

  private static boolean createdBy(String target, String file) {
    String name = Path.of(file).getFileName().toString();
    switch (target) {
      case "snapshot-temp":
        return name.startsWith(".snapshot.db.") && name.endsWith(".tmp");
      case "master-log-temp":
        return name.startsWith("." + CrashCluster.MASTER + ".jsonl.") && name.endsWith(".tmp");
      case "peer-log-temp":
        return name.matches("\\.p\\d+\\.jsonl\\..*\\.tmp");
      default:
        return false;
    }
  }

  /** The phase a child was in when it died: its last BEGIN without END, or {@code between}. */
  static String interrupted(List<String> lines) {
    String active = "between";
    for (String line : lines) {
      if (line.startsWith("BEGIN ")) {
        active = line.substring(6);
      } else if (line.startsWith("END ")) {
        active = "between";
      }
    }
    return active;
  }

  /** Median and longest duration seen per phase, in ms, and how many kills were called off. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    durations.forEach((phase, seen) -> {
      List<Long> sorted = seen.stream().sorted().toList();
      out.append(String.format(" %s=%.2f/%.2f", phase, sorted.get(sorted.size() / 2) / 1e6,
          sorted.get(sorted.size() - 1) / 1e6));
    });
    return "phase ms (median/max):" + out + "; kills called off (phase ended first): " + calledOff
        + "; children overdue (trigger never came): " + overdue;
  }

  private void observe(String phase, long nanos) {
    List<Long> seen = durations.computeIfAbsent(phase, p -> new ArrayList<>());
    if (seen.size() == KEEP) {
      seen.remove(random.nextInt(KEEP));
    }
    seen.add(nanos);
  }

  private long sampleDuration(String phase) {
    List<Long> seen = durations.getOrDefault(phase, List.of());
    if (seen.isEmpty()) {
      return phase.equals("open") ? 100 * DEFAULT_NANOS : DEFAULT_NANOS;
    }
    return seen.get(random.nextInt(seen.size()));
  }
}
