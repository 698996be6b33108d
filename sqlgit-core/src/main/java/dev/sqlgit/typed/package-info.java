/**
 * The typed layer over live queries: records mapped to tables. A record maps to the table named by
 * {@link dev.sqlgit.typed.Table} or, by convention, to its simple name in {@code snake_case}
 * ({@code Account} → {@code account}; plurals are not guessed). Its key is the component marked
 * {@link dev.sqlgit.typed.Id}, or the one called {@code id}. Columns map to components by name,
 * {@code snake_case} to {@code camelCase}, as in {@code Db.query(sql, Class)}.
 *
 * <pre>{@code
 * @Table("accounts")
 * record Account(String id, String name, long balance) {}
 *
 * LiveQuery<Optional<Account>> one = peer.find(Account.class, "acc");
 * LiveQuery<List<Account>> top = peer.findAll(Account.class, "balance > ?", "balance DESC", 10, 0);
 * }</pre>
 *
 * <p>Each live query keeps an identity map by primary key: a row that did not change between two
 * results is the same record instance in both. Raw SQL ({@code peer.live(sql, Record.class)})
 * stays first-class; this layer only writes the {@code SELECT} for you. Annotations only: no
 * state, thread-safe.
 */
package dev.sqlgit.typed;
