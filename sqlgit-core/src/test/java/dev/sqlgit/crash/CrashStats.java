package dev.sqlgit.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts, over a run, which phase each kill interrupted (from the child's markers) and which
 * on-disk windows kills left evidence of, so the test fails when it stops reaching them.
 */
final class CrashStats {
  private final Map<String, Integer> phases = new TreeMap<>();
  private final Map<String, Integer> windows = new TreeMap<>();
  private final Map<String, Integer> events = new TreeMap<>();

  void record(List<String> lines, List<String> evidence) {
    phases.merge(KillPlanner.interrupted(lines), 1, Integer::sum);
    evidence.forEach(w -> windows.merge(w, 1, Integer::sum));
    for (String line : lines) {
      String word = line.split(" ")[0];
      if (word.equals("ACK") || word.equals("SQUASH") || word.equals("LAG")) {
        events.merge(word, 1, Integer::sum);
      }
    }
  }

  void count(String event) {
    events.merge(event, 1, Integer::sum);
  }

  /** Every phase of the workload was interrupted at least once. */
  void assertEveryPhaseInterrupted() {
    for (String phase : KillPlanner.PHASES) {
      assertThat(phases.getOrDefault(phase, 0)).as("kills inside %s; all: %s", phase, phases).isPositive();
    }
  }

  /** Each of {@code required} windows was hit at least once. */
  void assertWindowsHit(List<String> required) {
    for (String window : required) {
      assertThat(windows.getOrDefault(window, 0)).as("kills that left %s; all: %s", window, windows).isPositive();
    }
  }

  @Override
  public String toString() {
    return "interrupted phases " + phases + "; on-disk windows " + windows + "; events " + events;
  }
}
