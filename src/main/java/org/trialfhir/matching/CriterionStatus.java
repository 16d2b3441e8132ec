package org.trialfhir.matching;

/**
 * Whether the patient satisfies one eligibility requirement (codes of the match-criterion-status CodeSystem). For an
 * exclusion criterion the requirement is the absence of what it names: MET means the patient data show it absent,
 * NOT_MET that they show it present. A criterion the data do not decide is UNKNOWN, never MET.
 */
public enum CriterionStatus {
  MET("met"),
  NOT_MET("not-met"),
  UNKNOWN("unknown");

  private final String code;

  CriterionStatus(String code) {
    this.code = code;
  }

  /** The code in https://trialfhir.org/fhir/CodeSystem/match-criterion-status. */
  public String code() {
    return code;
  }

  /** All of several requirements: not-met if any is, met if all are, else unknown (also when there are none). */
  static CriterionStatus all(Iterable<CriterionStatus> statuses) {
    CriterionStatus all = null;
    for (CriterionStatus status : statuses) {
      all = and(all, status);
    }
    return all == null ? UNKNOWN : all;
  }

  /**
   * {@link #all} one requirement at a time, without a list: the status of {@code soFar} (null for none yet) and
   * {@code next}.
   */
  static CriterionStatus and(CriterionStatus soFar, CriterionStatus next) {
    if (soFar == null) {
      return next;
    }
    if (soFar == NOT_MET || next == NOT_MET) {
      return NOT_MET;
    }
    return soFar == MET && next == MET ? MET : UNKNOWN;
  }
}
