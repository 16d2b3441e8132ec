package org.trialfhir.matching;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What decides a criterion's status for a patient, apart from its id and text: its thresholds (in the order its
 * limits are stated, and grouped by analyte, those stated under a condition apart), the topics it names (each with
 * its mentions, in order of first mention), whether those cover its whole text, and the disease its heading
 * restricts it to. Criteria of different studies, differently worded and numbered, often come to one rule ("ANC ≥ 1.0
 * ×10^9/L and platelets ≥ 75 ×10^9/L"), so a match decides each rule once ({@link TrialMatcher}).
 *
 * @param coded whether the study made the criterion computable by coding: a limit with a LOINC code, or a topic
 */
record CriterionRule(
    List<Threshold> thresholds,
    List<AnalyteThresholds> byAnalyte,
    List<TopicMentions> byTopic,
    boolean covered,
    Criterion.HeadingCondition heading,
    boolean coded) {

  /**
   * The thresholds of one analyte: those that always hold, and those stated under a condition, by condition as
   * written (a conditional threshold replaces the others of its analyte when its condition holds).
   */
  record AnalyteThresholds(List<Threshold> always, List<ConditionalThresholds> conditional) {}

  /** The thresholds of an analyte stated under one condition. */
  record ConditionalThresholds(Applicability.Terms condition, List<Threshold> thresholds) {}

  /** The mentions of one topic in a criterion ("cellular therapy ..., such as TCR-T therapy, CAR-T therapy"). */
  record TopicMentions(String topic, List<TopicMention> mentions) {}

  static CriterionRule of(List<Limit> limits, List<TopicMention> topics, boolean covered,
      Criterion.HeadingCondition heading) {
    Map<String, List<Threshold>> always = new LinkedHashMap<>();
    Map<String, Map<String, List<Limit>>> conditional = new LinkedHashMap<>();
    for (Limit limit : limits) {
      if (limit.condition() == null) {
        always.computeIfAbsent(limit.analyteKey(), k -> new ArrayList<>()).add(limit.threshold());
      } else {
        conditional.computeIfAbsent(limit.analyteKey(), k -> new LinkedHashMap<>())
            .computeIfAbsent(limit.condition(), k -> new ArrayList<>()).add(limit);
      }
    }
    List<String> keys = new ArrayList<>(always.keySet());
    conditional.keySet().stream().filter(k -> !keys.contains(k)).forEach(keys::add);
    List<AnalyteThresholds> byAnalyte = new ArrayList<>();
    for (String key : keys) {
      List<ConditionalThresholds> under = new ArrayList<>();
      for (List<Limit> group : conditional.getOrDefault(key, Map.of()).values()) {
        under.add(new ConditionalThresholds(group.get(0).conditionTerms(),
            group.stream().map(Limit::threshold).toList()));
      }
      byAnalyte.add(new AnalyteThresholds(List.copyOf(always.getOrDefault(key, List.of())), List.copyOf(under)));
    }
    Map<String, List<TopicMention>> mentions = new LinkedHashMap<>();
    for (TopicMention mention : topics) {
      mentions.computeIfAbsent(mention.topic(), t -> new ArrayList<>()).add(mention);
    }
    List<TopicMentions> byTopic = new ArrayList<>();
    mentions.forEach((topic, list) -> byTopic.add(new TopicMentions(topic, List.copyOf(list))));
    boolean coded = !topics.isEmpty() || limits.stream().anyMatch(l -> l.loinc() != null);
    return new CriterionRule(limits.stream().map(Limit::threshold).toList(), List.copyOf(byAnalyte),
        List.copyOf(byTopic), covered, heading, coded);
  }

  /** The topic codes it names, in order of first mention. */
  List<String> topicCodes() {
    return byTopic.stream().map(TopicMentions::topic).toList();
  }
}
