package dev.sqlgit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * An action in a peer's own log: {@code seq} is the peer's own counter (never reused), {@code
 * baseMasterSeq} the master head the peer had integrated when it wrote the entry, {@code force}
 * set when a resolver forced it, and {@code schema} the schema version of the code that wrote it
 * (see {@link ActionRegistry.Builder#migration}; 0 without migrations).
 */
public record PeerAction(
    long seq, String name, JsonNode params, long baseMasterSeq, boolean force, int schema) {
  public PeerAction {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(params, "params");
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1: " + seq);
    }
    if (baseMasterSeq < 0) {
      throw new IllegalArgumentException("baseMasterSeq must be >= 0: " + baseMasterSeq);
    }
    if (schema < 0) {
      throw new IllegalArgumentException("schema must be >= 0: " + schema);
    }
  }

  /** An action written by code without migrations (schema 0). */
  public PeerAction(long seq, String name, JsonNode params, long baseMasterSeq, boolean force) {
    this(seq, name, params, baseMasterSeq, force, 0);
  }
}
