package dev.sqlgit.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Timings of repeated runs of one operation. These machines are noisy: report medians (and the
 * spread), and compare cases as ratios measured in the same run.
 */
public final class Samples {
  private final List<Long> nanos = new ArrayList<>();

  /** Runs {@code op} {@code warmups} times unmeasured, then {@code runs} times measured. */
  public static Samples measure(int warmups, int runs, Runnable op) {
    for (int i = 0; i < warmups; i++) {
      op.run();
    }
    Samples s = new Samples();
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      op.run();
      s.nanos.add(System.nanoTime() - t0);
    }
    return s;
  }

  /** A workload run in a fresh temp folder. */
  @FunctionalInterface
  public interface InFolder {
    void run(java.nio.file.Path dir) throws Exception;
  }

  /**
   * Runs {@code work} once to warm up, then {@code rounds} times measured, each in a fresh temp
   * folder (so no round inherits another's files).
   */
  public static Samples inFreshFolders(int rounds, InFolder work) {
    Samples s = new Samples();
    for (int round = 0; round <= rounds; round++) {
      java.nio.file.Path dir = SyncBench.tempDir();
      long t0 = System.nanoTime();
      try {
        work.run(dir);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      if (round > 0) {
        s.add(System.nanoTime() - t0);
      }
    }
    return s;
  }

  public void add(long elapsedNanos) {
    nanos.add(elapsedNanos);
  }

  public double medianMillis() {
    return percentile(50) / 1e6;
  }

  public double p90Millis() {
    return percentile(90) / 1e6;
  }

  public int count() {
    return nanos.size();
  }

  private double percentile(int p) {
    if (nanos.isEmpty()) {
      return Double.NaN;
    }
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }
}
