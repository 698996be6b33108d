package dev.sqlgit.crash;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * Decides when to kill a child: after a random number of acknowledged submits, at the next start of
 * the target phase, plus a random delay drawn as a random fraction of a duration this phase took
 * before (measured from the child's BEGIN/END lines). So kills land anywhere inside a phase,
 * including its slow tail (an fsync, a squash), without knowing its internals. The delay is the
 * point of the test, not a wait for work, and is bounded by the longest duration seen.
 */
final class KillPlanner {
  static final List<String> PHASES =
      List.of("open", "submit-master", "submit-peer", "sync-master", "sync-peer", "deliver", "squash");
  private static final long DEFAULT_NANOS = 2_000_000;
  private static final int KEEP = 64;

  private final Random random;
  private final Map<String, List<Long>> durations = new HashMap<>();

  KillPlanner(Random random) {
    this.random = random;
  }

  /** Reads {@code child}'s lines until the planned point inside {@code target}, then kills it. */
  List<String> killDuring(ChildProcess child, String target) {
    int warmup = target.equals("open") ? 0 : random.nextInt(30);
    Map<String, Long> begun = new HashMap<>();
    int acks = 0;
    while (true) {
      ChildProcess.Line line = child.next();
      String[] words = line.text().split(" ");
      if (words[0].equals("BEGIN")) {
        begun.put(words[1], line.nanos());
        if (acks >= warmup && words[1].equals(target)) {
          LockSupport.parkNanos((long) (random.nextDouble() * sampleDuration(target)));
          return child.kill();
        }
      } else if (words[0].equals("END")) {
        Long start = begun.remove(words[1]);
        if (start != null) {
          observe(words[1], line.nanos() - start);
        }
      } else if (words[0].equals("ACK")) {
        acks++;
      }
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

  /** Median and longest duration seen per phase, in ms. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    durations.forEach((phase, seen) -> {
      List<Long> sorted = seen.stream().sorted().toList();
      out.append(String.format(" %s=%.2f/%.2f", phase, sorted.get(sorted.size() / 2) / 1e6,
          sorted.get(sorted.size() - 1) / 1e6));
    });
    return "phase ms (median/max):" + out;
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
    long sample = seen.isEmpty() ? DEFAULT_NANOS : seen.get(random.nextInt(seen.size()));
    return phase.equals("open") && seen.isEmpty() ? 100 * DEFAULT_NANOS : sample;
  }
}
