package org.trialfhir.matching;

import java.util.List;
import java.util.Set;

/**
 * One inclusion or exclusion criterion of a study, read once for every patient: its text and id, its computable
 * limits, the topics named in it, what decides its status ({@link CriterionRule}: among others whether the limits and
 * topics cover its whole text, and the condition its heading restricts it to, "Sjögren's syndrome: ..."), and the ids
 * of its sub-criteria when it is a heading for them ("... as follows:").
 */
record Criterion(
    String id,
    String text,
    boolean exclude,
    List<Limit> limits,
    List<TopicMention> topics,
    CriterionRule rule,
    List<String> children) {

  /** A disease a criterion's heading names: the criterion applies to patients with it. */
  record HeadingCondition(String name, String snomed, Set<String> stems) {}

  /** What the patient data can tell about this criterion's text: nothing when it has no limit and no topic. */
  static final String NOT_COMPUTABLE = "not computable from patient data: review its text";

  boolean isHeader() {
    return !children.isEmpty();
  }

  /** Whether any limit or topic lets patient data decide it. */
  boolean computable() {
    return !limits.isEmpty() || !topics.isEmpty();
  }

  /** Whether the limits and topics cover its whole text (only then can its limits and topics make it met). */
  boolean covered() {
    return rule.covered();
  }

  /** The disease its heading restricts it to, or null. */
  HeadingCondition heading() {
    return rule.heading();
  }

  /** The result of a criterion no patient data can decide, the same for every patient. */
  CriterionResult notComputable() {
    return new CriterionResult(id, text, exclude, CriterionStatus.UNKNOWN, List.of(), List.of(), NOT_COMPUTABLE,
        true, false);
  }
}
