package dev.sqlgit.storage;

import dev.sqlgit.ExecResult;
import dev.sqlgit.Row;
import dev.sqlgit.RowMapper;
import dev.sqlgit.internal.sqlite.ScriptSplitter;
import dev.sqlgit.storage.QueryEvent.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Store} that {@link Instrumentation#wrap} returns for a sample rate above 0. */
final class InstrumentedStore implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(InstrumentedStore.class);

  private final Store delegate;
  private final QueryListener listener;
  private final double sampleRate;
  private final DoubleSupplier random;

  InstrumentedStore(Store delegate, QueryListener listener, double sampleRate, DoubleSupplier random) {
    this.delegate = delegate;
    this.listener = listener;
    this.sampleRate = sampleRate;
    this.random = random;
  }

  @Override
  public List<Row> query(String sql, Object... params) {
    return record(sql, params, Kind.READ, () -> delegate.query(sql, params), List::size);
  }

  @Override
  public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
    return record(sql, params, Kind.READ, () -> delegate.query(sql, mapper, params), List::size);
  }

  @Override
  public <T> List<T> query(String sql, Class<T> type, Object... params) {
    return record(sql, params, Kind.READ, () -> delegate.query(sql, type, params), List::size);
  }

  @Override
  public Optional<Row> one(String sql, Object... params) {
    return record(sql, params, Kind.READ, () -> delegate.one(sql, params), InstrumentedStore::count);
  }

  @Override
  public <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... params) {
    return record(
        sql, params, Kind.READ, () -> delegate.one(sql, mapper, params), InstrumentedStore::count);
  }

  @Override
  public <T> Optional<T> one(String sql, Class<T> type, Object... params) {
    return record(
        sql, params, Kind.READ, () -> delegate.one(sql, type, params), InstrumentedStore::count);
  }

  @Override
  public ExecResult exec(String sql, Object... params) {
    return record(sql, params, Kind.WRITE, () -> delegate.exec(sql, params), ExecResult::changes);
  }

  /** One event per statement: the script runs as {@code exec} of each, in order. */
  @Override
  public void execScript(String sql) {
    for (String statement : ScriptSplitter.split(sql)) {
      exec(statement);
    }
  }

  @Override
  public <T> T tx(Supplier<T> fn) {
    return delegate.tx(fn);
  }

  @Override
  public void migrate(String feature, List<String> migrations) {
    delegate.migrate(feature, migrations);
  }

  @Override
  public void flush() {
    delegate.flush();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "Instrumented[" + delegate + ", sample " + sampleRate + "]";
  }

  private <T> T record(
      String sql, Object[] params, Kind kind, Supplier<T> call, ToLongFunction<T> rows) {
    if (sampleRate < 1.0 && random.getAsDouble() >= sampleRate) {
      return call.get();
    }
    long start = System.nanoTime();
    T result = call.get();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    int paramCount = params == null ? 0 : params.length;
    QueryEvent event = new QueryEvent(sql, paramCount, rows.applyAsLong(result), took, kind);
    try {
      listener.queryExecuted(event);
    } catch (RuntimeException e) {
      // The statement already ran (and may be committed): failing the call now would make the
      // caller retry a write that happened. A broken listener is the listener's bug to log.
      LOG.warn("query listener failed on {}", sql, e);
    }
    return result;
  }

  private static long count(Optional<?> row) {
    return row.isPresent() ? 1 : 0;
  }
}
