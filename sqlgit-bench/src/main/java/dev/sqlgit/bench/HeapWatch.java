package dev.sqlgit.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Peak Java heap use while a benchmark runs. Used heap peaks just before a collection, which a
 * poller can miss, so it combines a sampler thread (every {@value #PERIOD_MS} ms) with the
 * collectors' notifications, which report the heap before and after each collection. The peak
 * after a collection is an upper bound of the live data (a young collection leaves old garbage);
 * {@link #usedAfterFullGc()} measures what a live object retains.
 *
 * <p>SQLite databases kept in memory live outside the Java heap: see {@link #peakRssBytes()}.
 */
final class HeapWatch implements AutoCloseable {
  private static final long PERIOD_MS = 5;

  /** Peaks since the last {@link #take()}, in bytes. */
  record Peaks(long used, long afterGc) {}

  private final Set<String> heapPools =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP)
          .map(MemoryPoolMXBean::getName)
          .collect(Collectors.toSet());
  private final AtomicLong peakUsed = new AtomicLong();
  private final AtomicLong peakAfterGc = new AtomicLong();
  private final List<Runnable> unsubscribe = new ArrayList<>();
  private final Thread sampler;
  private volatile boolean closed;

  private HeapWatch() {
    NotificationListener listener = this::onNotification;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter) {
        NotificationEmitter emitter = (NotificationEmitter) gc;
        emitter.addNotificationListener(listener, null, null);
        unsubscribe.add(() -> {
          try {
            emitter.removeNotificationListener(listener);
          } catch (ListenerNotFoundException e) {
            // already gone
          }
        });
      }
    }
    sampler = new Thread(this::sample, "sqlgit-bench-heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  static HeapWatch start() {
    return new HeapWatch();
  }

  /** The peaks since the previous call (or the start), and starts a new period. */
  Peaks take() {
    long now = usedHeap();
    return new Peaks(Math.max(now, peakUsed.getAndSet(now)), peakAfterGc.getAndSet(0));
  }

  /** The heap's maximum size (what -Xmx sets, or the JVM's default for this machine), in bytes. */
  static long maxHeapBytes() {
    return Runtime.getRuntime().maxMemory();
  }

  /**
   * The process's peak resident set (Java heap, SQLite's native memory and the rest), from {@code
   * /proc/self/status}; -1 where there is none (not Linux).
   */
  static long peakRssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not available here
    }
    return -1;
  }

  /**
   * Restarts the peak resident set from the current one (Linux: {@code 5 > /proc/self/clear_refs});
   * false when that is not possible, and {@link #peakRssBytes()} then covers the whole run.
   */
  static boolean resetPeakRss() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private void sample() {
    while (!closed) {
      peakUsed.accumulateAndGet(usedHeap(), Math::max);
      try {
        Thread.sleep(PERIOD_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void onNotification(Notification n, Object handback) {
    if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
      return;
    }
    GcInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
    peakUsed.accumulateAndGet(heapOf(info.getMemoryUsageBeforeGc()), Math::max);
    peakAfterGc.accumulateAndGet(heapOf(info.getMemoryUsageAfterGc()), Math::max);
  }

  private long heapOf(Map<String, MemoryUsage> byPool) {
    long sum = 0;
    for (Map.Entry<String, MemoryUsage> e : byPool.entrySet()) {
      if (heapPools.contains(e.getKey())) {
        sum += e.getValue().getUsed();
      }
    }
    return sum;
  }

  /**
   * Used heap right after a full collection: {@link System#gc()} (a full collection unless the JVM
   * runs with -XX:+DisableExplicitGC), twice, so objects freed by finalization go too.
   */
  static long usedAfterFullGc() {
    System.gc();
    System.gc();
    return usedHeap();
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Override
  public void close() {
    closed = true;
    sampler.interrupt();
    unsubscribe.forEach(Runnable::run);
  }
}
