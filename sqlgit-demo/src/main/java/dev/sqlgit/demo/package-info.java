/**
 * The runnable demo behind {@code ./sqlgit demo}: a console walkthrough of two replicas of a
 * money tracker that work offline, hit a real overdraft conflict, resolve it with a top-up and
 * converge.
 *
 * <p>{@link dev.sqlgit.demo.Main} parses the command line; {@code Walkthrough} tells the story step
 * by step and plays the file syncer between the two cluster roots; {@code MoneyTracker} holds the
 * schema and the actions. Everything here depends on {@code sqlgit-core}'s public API ({@code
 * dev.sqlgit}) only, never on its internals or test fixtures. Not published; not thread-safe (a
 * walkthrough runs on one thread).
 */
package dev.sqlgit.demo;
