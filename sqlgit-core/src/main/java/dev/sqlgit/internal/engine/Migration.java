package dev.sqlgit.internal.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/** One replicated schema migration declared in an {@link dev.sqlgit.ActionRegistry}. */
public record Migration(int version, String feature, String sql) {
  public Migration {
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(sql, "sql");
  }

  /** A fingerprint of the SQL, to notice a migration edited after it was applied. */
  public String sha256() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(sql.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
