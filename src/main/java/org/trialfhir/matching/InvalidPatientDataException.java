package org.trialfhir.matching;

/** The patient data cannot be matched (no Patient, several Patients); the message says what is wrong. */
public final class InvalidPatientDataException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidPatientDataException(String message) {
    super(message);
  }
}
