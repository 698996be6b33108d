package dev.sqlgit.storage;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link SqliteStore} opens its database: group commit ({@code writeQueue}, off by default)
 * and {@code synchronous} strength.
 *
 * <pre>{@code
 * StoreOptions options = StoreOptions.builder()
 *     .writeQueue(256, Duration.ofMillis(2)) // commit every 256 writes or 2 ms after the first
 *     .synchronousFull(false)
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe; the builder is not thread-safe.
 *
 * @param writeQueue whether writes are grouped into batches that commit together (see {@link
 *     SqliteStore})
 * @param maxBatch with the queue on, a batch commits once it holds this many writes (at least 1)
 * @param maxDelay with the queue on, a batch commits this long after its first write at the latest
 *     (zero: as soon as the commit thread gets the writer)
 * @param synchronousFull {@code PRAGMA synchronous = FULL} (an fsync per commit) instead of {@code
 *     NORMAL} (WAL fsyncs at checkpoints; an OS crash may lose the last commits, never corrupts)
 */
public record StoreOptions(
    boolean writeQueue, int maxBatch, Duration maxDelay, boolean synchronousFull) {

  private static final int DEFAULT_MAX_BATCH = 256;
  private static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(2);

  /** Validates the knobs. */
  public StoreOptions {
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
    }
    if (maxDelay.isNegative()) {
      throw new IllegalArgumentException("maxDelay must not be negative, was " + maxDelay);
    }
  }

  /** Write queue off, {@code synchronous = NORMAL}. */
  public static StoreOptions defaults() {
    return builder().build();
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link StoreOptions}; not thread-safe. */
  public static final class Builder {
    private boolean writeQueue;
    private int maxBatch = DEFAULT_MAX_BATCH;
    private Duration maxDelay = DEFAULT_MAX_DELAY;
    private boolean synchronousFull;

    private Builder() {}

    /**
     * Turns group commit on: a batch commits when it holds {@code maxBatch} writes or {@code
     * maxDelay} after it opened, whichever comes first.
     */
    public Builder writeQueue(int maxBatch, Duration maxDelay) {
      this.writeQueue = true;
      this.maxBatch = maxBatch;
      this.maxDelay = maxDelay;
      return this;
    }

    /** {@code PRAGMA synchronous = FULL} when true, {@code NORMAL} (the default) when false. */
    public Builder synchronousFull(boolean full) {
      this.synchronousFull = full;
      return this;
    }

    /** The options; throws {@link IllegalArgumentException} for an invalid knob. */
    public StoreOptions build() {
      return new StoreOptions(writeQueue, maxBatch, maxDelay, synchronousFull);
    }
  }
}
