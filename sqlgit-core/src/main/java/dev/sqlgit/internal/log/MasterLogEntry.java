package dev.sqlgit.internal.log;

import dev.sqlgit.MasterAction;

/** A line of the master log. */
public sealed interface MasterLogEntry
    permits MasterLogEntry.Action, MasterLogEntry.PeerAck, MasterLogEntry.Snapshot {

  /** {@code {"kind":"action","seq":N,...,"source":{"peer":P,"seq":S}}} (+ forced). */
  record Action(MasterAction action) implements MasterLogEntry {}

  /** {@code {"kind":"peer_ack","peer":P,"masterSeq":H}}: the master saw P's ack of H. */
  record PeerAck(String peer, long masterSeq) implements MasterLogEntry {}

  /** {@code {"kind":"snapshot","masterSeq":H}}: first line after a squash; ≤ H is in snapshot.db. */
  record Snapshot(long masterSeq) implements MasterLogEntry {}
}
