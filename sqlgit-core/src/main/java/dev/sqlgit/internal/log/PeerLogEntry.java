package dev.sqlgit.internal.log;

import dev.sqlgit.PeerAction;

/** A line of a peer's own log: an action, or an acknowledgement of the master head. */
public sealed interface PeerLogEntry permits PeerLogEntry.Action, PeerLogEntry.MasterAck {

  /** {@code {"kind":"action","seq":N,"name":..,"params":..,"baseMasterSeq":B}} (+ force). */
  record Action(PeerAction action) implements PeerLogEntry {}

  /**
   * {@code {"kind":"master_ack","masterSeq":H,"lastSeq":S}}: integrated the master log up to H;
   * S is the highest own seq ever used, so the counter survives a restart.
   */
  record MasterAck(long masterSeq, long lastSeq) implements PeerLogEntry {}
}
