package org.trialfhir.matching;

/** How well a patient matches a study: the codes of http://hl7.org/fhir/ValueSet/match-grade. */
public enum MatchGrade {
  CERTAIN("certain"),
  PROBABLE("probable"),
  POSSIBLE("possible"),
  CERTAINLY_NOT("certainly-not");

  private final String code;

  MatchGrade(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
