package dev.sqlgit.internal.live;

import dev.sqlgit.ClosedException;
import dev.sqlgit.LiveQuery;
import dev.sqlgit.LiveQueryException;
import dev.sqlgit.Row;
import dev.sqlgit.Subscription;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LiveQuery} registered with a peer's {@link LiveRegistry}. The registry marks it dirty
 * after a committed change to a table it reads; it then re-runs on the live executor (invalidations
 * conflated: one queued re-run at most) or, if someone asks first, inside {@link #current()}.
 * Re-runs are serialised by a run lock, which also orders the results handed to subscribers.
 *
 * <p>Thread-safe. Lock order: run lock, then the state's read lock (inside the registry's read);
 * subscriber callbacks never run under either.
 */
public final class RegisteredQuery<E, R> implements LiveQuery<R> {
  private static final Logger LOG = LoggerFactory.getLogger(RegisteredQuery.class);

  private final LiveRegistry registry;
  private final QuerySpec<E, R> spec;
  private final RowIdentity<E> identity;
  private final Conflated refresher;
  private final Object runLock = new Object();
  private final AtomicBoolean dirty = new AtomicBoolean(true);
  private final AtomicLong runs = new AtomicLong();
  private final List<Delivery<R>> deliveries = new CopyOnWriteArrayList<>();
  private volatile Set<String> dependencies = Set.of();
  private volatile R value;
  private List<E> elements; // guarded by runLock
  private volatile boolean closed;

  RegisteredQuery(LiveRegistry registry, QuerySpec<E, R> spec) {
    this.registry = registry;
    this.spec = spec;
    this.identity = new RowIdentity<>(spec.mapper(), spec.key());
    this.refresher = new Conflated(registry.executor(), () -> refresh(false));
  }

  /** The first run, on the caller's thread: a query that cannot run fails here, as itself. */
  void start() {
    refresh(true);
  }

  @Override
  public R current() {
    checkOpen();
    refresh(false);
    return value;
  }

  @Override
  public Subscription subscribe(Consumer<? super R> listener) {
    return subscribe(listener, null);
  }

  @Override
  public Subscription subscribe(Consumer<? super R> listener, Consumer<? super LiveQueryException> onError) {
    Objects.requireNonNull(listener, "listener");
    return register(new ListenerDelivery<>(registry.executor(), deliveries::remove, listener, onError));
  }

  @Override
  public Flow.Publisher<R> publisher() {
    return subscriber -> {
      Objects.requireNonNull(subscriber, "subscriber"); // rule 1.9
      try {
        register(new SubscriberDelivery<>(registry.executor(), deliveries::remove, subscriber));
      } catch (ClosedException e) { // rule 1.9: signal it, do not throw it
        subscriber.onSubscribe(new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        });
        subscriber.onError(e);
      }
    };
  }

  @Override
  public Set<String> dependencies() {
    return dependencies;
  }

  @Override
  public void invalidate() {
    if (!closed) {
      dirty.set(true);
      refresher.signal();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    registry.remove(this);
    closeDeliveries();
  }

  /** Closes without telling the registry (the registry is closing). */
  void closeDeliveries() {
    synchronized (runLock) {
      closed = true;
    }
    for (Delivery<R> d : deliveries) {
      d.finish();
    }
    deliveries.clear();
  }

  /** Whether a change to {@code tables} may change this query's result. */
  boolean readsAny(Set<String> tables) {
    Set<String> deps = dependencies;
    if (deps.contains("*")) {
      return true;
    }
    for (String t : tables) {
      if (deps.contains(t)) {
        return true;
      }
    }
    return false;
  }

  /** How many times the query ran (the first run included); for tests and benchmarks. */
  public long runCount() {
    return runs.get();
  }

  /** The SQL text. */
  public String sql() {
    return spec.sql();
  }

  private Subscription register(Delivery<R> delivery) {
    synchronized (runLock) { // so no newer result reaches the other subscribers before this one's first
      checkOpen();
      deliveries.add(delivery);
      delivery.stage(value);
    }
    delivery.wake();
    return delivery;
  }

  private record Run(Set<String> dependencies, List<Row> rows) {}

  private void refresh(boolean propagate) {
    List<Delivery<R>> toWake = List.of();
    synchronized (runLock) {
      if (closed || !dirty.getAndSet(false)) {
        return;
      }
      List<E> next = null;
      try {
        Run run = registry.read(db -> new Run(
            registry.queryTables().of(db, spec.sql()),
            db.readOnly(() -> db.query(spec.sql(), spec.params()))));
        runs.incrementAndGet();
        dependencies = Set.copyOf(run.dependencies());
        next = identity.apply(run.rows());
      } catch (RuntimeException e) {
        if (propagate) {
          throw e;
        }
        if (!closed && !registry.isClosed()) {
          LiveQueryException error = new LiveQueryException(spec.sql(), e);
          LOG.debug("{}", error.getMessage());
          toWake = List.copyOf(deliveries);
          toWake.forEach(d -> d.stageFailure(error));
        }
      }
      if (next != null && next != elements) { // RowIdentity hands back the same list when unchanged
        elements = next;
        value = spec.view().apply(next);
        toWake = List.copyOf(deliveries);
        toWake.forEach(d -> d.stage(value));
      }
    }
    toWake.forEach(Delivery::wake); // outside the lock: the executor may run on this thread
  }

  private void checkOpen() {
    if (closed) {
      throw new ClosedException("live query [" + spec.sql() + "]");
    }
  }

  @Override
  public String toString() {
    return "LiveQuery[" + spec + ", reads " + dependencies + "]";
  }
}
