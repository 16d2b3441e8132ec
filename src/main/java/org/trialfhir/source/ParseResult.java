package org.trialfhir.source;

import java.util.List;

/** What a reader made of one input: the record, the format it recognised and its diagnostics. */
public record ParseResult(String format, TrialRecord record, List<Diagnostic> diagnostics) {
  public ParseResult {
    diagnostics = List.copyOf(diagnostics);
  }
}
