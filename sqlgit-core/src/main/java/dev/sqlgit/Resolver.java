package dev.sqlgit;

/**
 * Decides what happens to a pending action that conflicts with the master's history. It may block
 * (for example while a user chooses); the peer's writes wait meanwhile, reads through {@link
 * Peer#db()} do not.
 *
 * <pre>{@code
 * peer.sync(ctx -> {
 *   if (ctx.kind() == ConflictKind.ERROR && ctx.action().name().equals("withdraw")) {
 *     ctx.submit("deposit", new Deposit("acc-1", 50)); // mitigation: top up first
 *     return Resolution.RETRY;
 *   }
 *   return Resolution.DROP;
 * });
 * }</pre>
 */
@FunctionalInterface
public interface Resolver {
  Resolution resolve(ConflictContext ctx);
}
