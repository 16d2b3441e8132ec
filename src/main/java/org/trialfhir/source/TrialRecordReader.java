package org.trialfhir.source;

/** Reads one input format into a {@link TrialRecord}. */
public interface TrialRecordReader {

  /** The format's name as shown to users, e.g. {@code ctgov-page}. */
  String format();

  /** Whether {@code content} looks like this format; cheap, from the content alone. */
  boolean accepts(String content);

  /**
   * Reads {@code content}.
   *
   * @throws UnreadableRecordException when the content is not a trial record of this format
   */
  ParseResult read(String content);
}
