package dev.sqlgit;

import java.util.OptionalLong;

/**
 * What a sync did.
 *
 * <ul>
 *   <li>{@code applied}: on the master, peer actions incorporated; on a peer, own actions kept
 *       after the rebase (mitigations and RETRY'd actions included).
 *   <li>{@code skipped}: master only; actions left for a later round because they, or an earlier
 *       action of the same peer, conflicted.
 *   <li>{@code dropped}: peer only; actions a resolver dropped.
 *   <li>{@code forced}: master: forced actions accepted; peer: FORCE resolutions.
 *   <li>{@code convergent}: peer only; actions whose intent the master state already realised.
 *   <li>{@code squashedTo}: master only; the new snapshot head when the sync squashed.
 * </ul>
 *
 * A sync with nothing to do reports all zeros.
 */
public record SyncReport(
    int applied, int skipped, int dropped, int forced, int convergent, OptionalLong squashedTo) {

  /** The report of a sync that had nothing to do. */
  public static final SyncReport NOTHING = new SyncReport(0, 0, 0, 0, 0, OptionalLong.empty());

  public SyncReport {
    if (squashedTo == null) {
      throw new NullPointerException("squashedTo (use OptionalLong.empty())");
    }
  }
}
