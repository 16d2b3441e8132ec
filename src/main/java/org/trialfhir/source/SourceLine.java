package org.trialfhir.source;

/** One line of an input with its 1-based line number, so diagnostics can point at it. */
public record SourceLine(int number, String text) {

  public boolean isBlank() {
    return text.isBlank();
  }
}
