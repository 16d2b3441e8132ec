package org.trialfhir.matching;

import java.util.List;

/**
 * One inclusion or exclusion criterion of a study, read once for every patient: its text and id, its computable
 * limits, the topics named in it, whether those cover its whole text, the condition its heading restricts it to
 * ("Sjögren's syndrome: ..."), and the ids of its sub-criteria when it is a heading for them ("... as follows:").
 */
record Criterion(
    String id,
    String text,
    boolean exclude,
    List<Limit> limits,
    List<TopicMention> topics,
    boolean covered,
    HeadingCondition heading,
    List<String> children) {

  /** A disease a criterion's heading names: the criterion applies to patients with it. */
  record HeadingCondition(String name, String snomed, java.util.Set<String> stems) {}

  boolean isHeader() {
    return !children.isEmpty();
  }
}
