package dev.sqlgit.internal.log;

/** A complete line of a log file, with its 1-based line number for error messages. */
public record JsonLine(int number, String text) {}
