package dev.sqlgit.internal.engine;

import dev.sqlgit.ClosedException;
import dev.sqlgit.ConflictContext;
import dev.sqlgit.ConflictKind;
import dev.sqlgit.Db;
import dev.sqlgit.MasterAction;
import dev.sqlgit.PeerAction;
import dev.sqlgit.UnknownActionException;
import dev.sqlgit.internal.sqlite.ReadOnlyDb;
import dev.sqlgit.internal.sqlite.SqliteDb;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The {@link ConflictContext} a resolver sees. Mitigations are applied to the rebased state at once
 * and collected; the context stops working once the resolver has returned.
 */
final class ResolverContext implements ConflictContext {
  private final PeerAction action;
  private final Verdict.Conflict conflict;
  private final List<MasterAction> suffix;
  private final StateDb base;
  private final StateDb rebased;
  private final long newHead;
  private final LongSupplier nextSeq;
  private final List<PeerAction> mitigations = new ArrayList<>();
  private final java.util.Map<Long, java.util.Set<String>> touched = new java.util.HashMap<>();
  private volatile boolean open = true;

  ResolverContext(
      PeerAction action,
      Verdict.Conflict conflict,
      List<MasterAction> suffix,
      StateDb base,
      StateDb rebased,
      long newHead,
      LongSupplier nextSeq) {
    this.action = action;
    this.conflict = conflict;
    this.suffix = List.copyOf(suffix);
    this.base = base;
    this.rebased = rebased;
    this.newHead = newHead;
    this.nextSeq = nextSeq;
  }

  @Override
  public PeerAction action() {
    return action;
  }

  @Override
  public ConflictKind kind() {
    return conflict.kind();
  }

  @Override
  public Optional<Throwable> error() {
    return Optional.ofNullable(conflict.error());
  }

  @Override
  public List<MasterAction> masterSuffix() {
    return suffix;
  }

  @Override
  public Db baseDb() {
    return view(base);
  }

  @Override
  public Db rebasedDb() {
    return view(rebased);
  }

  @Override
  public synchronized void submit(String name, Object params) {
    checkOpen();
    if (!rebased.actions().contains(name)) {
      throw new UnknownActionException(name);
    }
    var json = rebased.actions().toJson(params);
    // Throws ActionFailedException: then nothing is queued and no seq is used.
    int schema = rebased.schemaVersion();
    java.util.Set<String> tables = rebased.applyOwn(name, json, schema).writtenTables();
    PeerAction mitigation = new PeerAction(nextSeq.getAsLong(), name, json, newHead, false, schema);
    mitigations.add(mitigation);
    touched.put(mitigation.seq(), tables);
  }

  /** The mitigations queued so far, in submit order; closes the context. */
  synchronized List<PeerAction> finish() {
    open = false;
    return List.copyOf(mitigations);
  }

  /** The tables each mitigation wrote, by seq. */
  synchronized java.util.Map<Long, java.util.Set<String>> touchedTables() {
    return java.util.Map.copyOf(touched);
  }

  private Db view(StateDb state) {
    return new ReadOnlyDb(
        new ReadOnlyDb.Access() {
          @Override
          public <T> T read(Function<SqliteDb, T> body) {
            checkOpen();
            return body.apply(state.db());
          }
        });
  }

  private void checkOpen() {
    if (!open) {
      throw new ClosedException("conflict context (it is valid only during resolve)");
    }
  }
}
