/**
 * Benchmarks: plain {@code main} suites that print Markdown tables of medians ({@code ./sqlgit
 * bench [suite...]}). Depends on the public API of sqlgit-core (and, where a benchmark must reach
 * engine internals, on them explicitly). Not published; compiled by {@code mvn verify}, run only
 * on demand.
 */
package dev.sqlgit.bench;
