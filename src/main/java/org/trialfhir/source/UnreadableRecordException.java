package org.trialfhir.source;

/** The input is not a trial record the readers understand; the message says why, for a person. */
public final class UnreadableRecordException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnreadableRecordException(String message) {
    super(message);
  }

  public UnreadableRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
