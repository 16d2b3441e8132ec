package org.trialfhir.matching;

import java.util.List;

/**
 * One eligibility criterion of a study evaluated for one patient.
 *
 * @param id the criterion's id in the eligibility Group ({@code inc-3}, {@code exc-4.1}, {@code age}, {@code sex}),
 *     or {@code condition} for the study's conditions
 * @param text the criterion as the study states it
 * @param exclude true for an exclusion criterion
 * @param status whether the patient satisfies the requirement (see {@link CriterionStatus})
 * @param topics the eligibility topics recognised in the criterion (eligibility-topic codes)
 * @param evidence the patient data used
 * @param explanation why this status, in words
 * @param counted false for a heading whose status only repeats its sub-criteria's ("Laboratory tests:"); such a
 *     criterion is reported but not counted again in the grade and score
 * @param computable true when the study made the criterion computable (age, sex, conditions, a coded limit, a
 *     recognised topic), so that patient data can decide it
 */
public record CriterionResult(
    String id,
    String text,
    boolean exclude,
    CriterionStatus status,
    List<String> topics,
    List<Evidence> evidence,
    String explanation,
    boolean counted,
    boolean computable) {

  public CriterionResult {
    topics = List.copyOf(topics);
    evidence = List.copyOf(evidence);
  }
}
