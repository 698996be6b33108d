package dev.sqlgit;

import java.util.Objects;

/** Who authored a master action: the peer id and that peer's own seq for it. */
public record Source(String peer, long seq) {
  public Source {
    Objects.requireNonNull(peer, "peer");
  }
}
