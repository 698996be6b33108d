package dev.sqlgit.storage;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.random.RandomGenerator;

/**
 * Wraps a {@link Store} so that a sample of its statements is reported as {@link QueryEvent}s
 * (SPEC §4): SQL text, parameter count, rows returned or changed, duration, never parameter values.
 *
 * <pre>{@code
 * Store raw = SqliteStore.open(path, StoreOptions.defaults());
 * Store store = Instrumentation.wrap(raw, queryLog::record, config.querySample());
 * // at sample rate 0, store == raw: production pays nothing
 * }</pre>
 *
 * <p>{@code query}, {@code one} and {@code exec} are reported one event each, {@code execScript} one
 * event per statement; {@code tx}, {@code migrate}, {@code flush} and {@code close} pass through
 * unreported, and statements inside a {@code tx} are reported when the code inside calls the
 * wrapper. Whether a statement is reported is decided before it runs, independently for each.
 * Statements that throw are not reported. The wrapper is as thread-safe as the store it wraps.
 */
public final class Instrumentation {
  private Instrumentation() {}

  /**
   * Reports each statement with probability {@code sampleRate} to {@code listener}.
   *
   * @param sampleRate from 0 (returns {@code store} itself, no wrapper) to 1 (every statement)
   * @throws IllegalArgumentException when {@code sampleRate} is not within [0, 1]
   */
  public static Store wrap(Store store, QueryListener listener, double sampleRate) {
    return create(store, listener, sampleRate, () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * As {@link #wrap(Store, QueryListener, double)}, drawing samples from {@code random} (a seeded
   * {@code java.util.Random} makes the sample reproducible; it must be thread-safe when the store
   * is used from several threads, as {@code java.util.Random} is).
   */
  public static Store wrap(
      Store store, QueryListener listener, double sampleRate, RandomGenerator random) {
    Objects.requireNonNull(random, "random");
    return create(store, listener, sampleRate, random::nextDouble);
  }

  private static Store create(
      Store store, QueryListener listener, double sampleRate, DoubleSupplier random) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(listener, "listener");
    if (!(sampleRate >= 0.0 && sampleRate <= 1.0)) { // also refuses NaN
      throw new IllegalArgumentException("sampleRate must be within [0, 1], was " + sampleRate);
    }
    if (sampleRate == 0.0) {
      return store;
    }
    return new InstrumentedStore(store, listener, sampleRate, random);
  }
}
