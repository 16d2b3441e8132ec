package org.trialfhir.source;

/**
 * Something odd a reader met in its input: where it was (section, 1-based line, the text) and what was odd.
 * Readers collect these instead of failing or silently choosing.
 */
public record Diagnostic(Severity severity, String section, int line, String text, String message) {

  /** How much the reader had to guess. */
  public enum Severity {
    /** A decision worth knowing about (a split made by rule, a conflict resolved in favour of a field). */
    INFO,
    /** Something the reader could not represent faithfully or had to guess. */
    WARNING
  }
}
