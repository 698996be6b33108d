package dev.sqlgit.testing;

import dev.sqlgit.StorageException;
import dev.sqlgit.log.LogMeta;
import dev.sqlgit.log.LogRecord;
import dev.sqlgit.log.LogStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A {@link LogStore} over another (a {@code SqliteLogStore}, whose own appends are durable at
 * once) that plays a file system for {@link #appendAllDeferred}: those records count as durable
 * only once {@link #force} succeeded. Its fsync can be made to fail, optionally losing what it
 * should have made durable (as a crash after a failed fsync would: the kernel may have dropped the
 * pages), or to block until released, to catch a writer between its append and its fsync.
 */
public final class FsyncFaults implements LogStore {
  private final LogStore inner;
  /** Per document, the last seq known durable (set once the document is first appended deferred). */
  private final Map<String, Long> durable = new ConcurrentHashMap<>();
  private final AtomicInteger forces = new AtomicInteger();
  private volatile boolean failing;
  private volatile boolean loseUnforced;
  private volatile CountDownLatch entered;
  private volatile CountDownLatch release;

  public FsyncFaults(LogStore inner) {
    this.inner = inner;
  }

  /** From now on every fsync fails; with {@code lose}, the records it should have covered vanish. */
  public void failForces(boolean lose) {
    loseUnforced = lose;
    failing = true;
  }

  /** The next fsync blocks until {@link #release()}; the returned latch opens once it is blocked. */
  public CountDownLatch blockNextForce() {
    entered = new CountDownLatch(1);
    release = new CountDownLatch(1);
    return entered;
  }

  /** Lets the blocked fsync go on. */
  public void release() {
    release.countDown();
  }

  /** How many fsyncs were asked for. */
  public int forces() {
    return forces.get();
  }

  @Override
  public long appendAllDeferred(String docId, List<String> data) {
    durable.computeIfAbsent(docId, this::lastSeq);
    return inner.appendAll(docId, data);
  }

  @Override
  public void force(String docId) {
    forces.incrementAndGet();
    CountDownLatch blocked = release;
    if (blocked != null && entered.getCount() > 0) { // only the next fsync blocks
      entered.countDown();
      try {
        if (!blocked.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released the blocked fsync");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    long upTo = lastSeq(docId); // what this fsync covers: read before it, like a real one
    if (failing) {
      if (loseUnforced && durable.containsKey(docId)) {
        long keep = durable.get(docId);
        try (Stream<LogRecord> records = inner.loadAll(docId)) {
          inner.replace(docId, records.limit(keep).map(LogRecord::data).collect(Collectors.toList()));
        }
      }
      throw new StorageException("injected fsync failure on " + docId, -1, null);
    }
    durable.computeIfPresent(docId, (d, seq) -> Math.max(seq, upTo));
  }

  private long lastSeq(String docId) {
    return inner.currentMeta(docId).map(LogMeta::lastSeq).orElse(0L);
  }

  @Override
  public long append(String docId, String data) {
    long seq = inner.append(docId, data);
    durable.computeIfPresent(docId, (d, s) -> seq); // durable, and so is everything before it
    return seq;
  }

  @Override
  public long appendAll(String docId, List<String> data) {
    long seq = inner.appendAll(docId, data);
    durable.computeIfPresent(docId, (d, s) -> seq);
    return seq;
  }

  @Override
  public Stream<LogRecord> loadAll(String docId) {
    return inner.loadAll(docId);
  }

  @Override
  public Stream<LogRecord> loadFrom(String docId, long fromSeq) {
    return inner.loadFrom(docId, fromSeq);
  }

  @Override
  public void replace(String docId, List<String> data) {
    inner.replace(docId, data);
    durable.computeIfPresent(docId, (d, s) -> (long) data.size());
  }

  @Override
  public void delete(String docId) {
    inner.delete(docId);
    durable.remove(docId);
  }

  @Override
  public Optional<LogMeta> currentMeta(String docId) {
    return inner.currentMeta(docId);
  }

  @Override
  public List<String> listDocIds(String prefix) {
    return inner.listDocIds(prefix);
  }

  /** Leaves the inner store open: the test owns it. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "FsyncFaults[" + inner + "]";
  }
}
