package org.trialfhir.matching;

import java.time.Period;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one criterion's text once, for every patient to come: its heading ("Organ Function:", "Sjögren's syndrome :"),
 * the eligibility topics an exclusion names with what its wording asks of the evidence, and whether the limits and
 * topics found cover the whole text (only then can "nothing of it applies to the patient" make it met).
 *
 * <p>The rules are general, not per trial: a topic is any phrase of the eligibility-topic map; a past therapy counts
 * only after a word that puts it in the past ("prior", "previously received", "history of"), so "unsuitable for
 * CAR-T therapy" or "after receiving CAR-NK cell infusion" name no prior therapy; a negation just before a phrase
 * ("no", "without", up to three words before) drops it; "within N days/weeks/months/years" in the clause is a time window; "investigational",
 * "experimental", "allogeneic", "autologous" before a phrase must be repeated by the patient's record, and "active"
 * asks for a current record; "except", "unless", "other than", and for infections a viral load, DNA/RNA test or
 * "uncontrolled" make presence in the data insufficient to exclude.
 */
final class CriterionReader {
  private static final Pattern HEADING = Pattern.compile("^\\s*([^:：;；。]{2,60}?)\\s*[:：]\\s*(?=\\S)");
  private static final Pattern CLAUSE_END = Pattern.compile("[;；。]|\\.(?=\\s|$)");
  private static final Pattern WINDOW = Pattern.compile(
      "\\b(?:within|in) (?:the )?(?:last |past |previous |prior |preceding )?(\\d{1,3}) (day|week|month|year)s?\\b");
  private static final Set<String> PAST_THERAPY_TOPICS = Set.of("cell-therapy", "organ-transplant", "hsct",
      "chemotherapy");
  private static final Set<String> INFECTION_TOPICS = Set.of("hbv", "hcv", "hcv-antibody", "hiv");
  private static final Set<String> PAST_CUES = Set.of("prior", "previous", "previously", "history", "received",
      "receipt", "treated", "underwent", "undergone");
  private static final Set<String> NEGATIONS = Set.of("no", "not", "without", "non", "never");
  private static final Set<String> RESTRICTIVE = Set.of("investigational", "experimental", "allogeneic",
      "autologous");
  private static final List<String> EXCEPTIONS = List.of("except", "unless", "other than", "excluding");
  private static final List<String> INFECTION_QUALIFIERS = List.of("uncontrolled", "viral load",
      "lower limit of detection", "detectable");
  private static final Map<String, List<String>> VIRUS_NAMES = Map.of(
      "hbv", List.of("hbv", "hepatitis b", "hepatitis b virus"),
      "hcv", List.of("hcv", "hepatitis c", "hepatitis c virus"),
      "hcv-antibody", List.of("hcv", "hepatitis c", "hepatitis c virus"),
      "hiv", List.of("hiv"));
  /** Words that carry no requirement of their own in a criterion (grammar, boilerplate, hedges). */
  private static final Set<String> FILLER = Set.of("a", "an", "the", "of", "in", "on", "at", "to", "for", "with",
      "and", "or", "by", "as", "is", "are", "was", "were", "be", "been", "being", "should", "must", "shall", "will",
      "have", "has", "had", "who", "whom", "which", "that", "those", "any", "all", "known", "prior", "previous",
      "previously", "history", "presence", "present", "evidence", "patient", "patients", "subject", "subjects",
      "participant", "participants", "women", "woman", "female", "females", "current", "currently", "active", "time",
      "screening", "during", "diagnosis", "diagnosed", "infection", "infections", "positive", "positivity",
      "excluded", "exclude", "status", "level", "levels", "value", "values", "count", "test", "result", "baseline",
      "appendix", "e", "g", "eg", "etc", "including", "virus", "human", "immunodeficiency", "received", "receipt",
      "treatment", "treated", "therapy", "therapies", "use", "used", "i", "ie");
  /** Words of a limit's comparator and of multiples of the normal range. */
  private static final Set<String> LIMIT_WORDS = Set.of("than", "greater", "less", "more", "least", "most",
      "equal", "above", "below", "over", "under", "exceed", "exceeding", "exceeds", "higher", "lower", "minimum",
      "maximum", "up", "x", "times", "fold", "upper", "limit", "normal", "uln", "range", "between", "no", "not",
      "score", "scores");
  private static final Pattern NUMBER_WORD = Pattern.compile("\\d+(?:[a-z]*)");

  private final MatchVocabulary vocabulary;
  private final Interner interner;

  CriterionReader(MatchVocabulary vocabulary) {
    this(vocabulary, new Interner());
  }

  /** A reader that shares equal criteria, topic mentions and headings through {@code interner}. */
  CriterionReader(MatchVocabulary vocabulary, Interner interner) {
    this.vocabulary = vocabulary;
    this.interner = interner;
  }

  Criterion read(String id, String text, boolean exclude, List<Limit> limits, List<String> children) {
    String body = text == null ? "" : text;
    Criterion.HeadingCondition heading = null;
    Matcher h = HEADING.matcher(body);
    if (h.find()) {
      String name = MatchText.normalize(h.group(1));
      heading = vocabulary.snomedOfName(name)
          .map(code -> interner.intern(new Criterion.HeadingCondition(h.group(1).strip(), code,
              ConditionNames.stems(name))))
          .orElse(null);
      body = body.substring(h.end());
    }
    List<TopicMention> topics = new ArrayList<>();
    Set<String> residual = new LinkedHashSet<>();
    for (String clause : CLAUSE_END.split(body)) {
      String normalized = MatchText.normalize(clause);
      boolean[] used = new boolean[normalized.length()];
      if (exclude) {
        topics.addAll(mentions(normalized, used));
      }
      residual.addAll(unusedWords(normalized, used));
    }
    residual.removeAll(FILLER);
    residual.removeAll(LIMIT_WORDS);
    for (Limit limit : limits) {
      if (limit.loinc() != null) {
        residual.removeAll(vocabulary.analyteWords(limit.loinc()));
      }
      residual.removeAll(MatchText.words(MatchText.normalize(limit.analyte())));
      residual.removeAll(MatchText.words(MatchText.normalize(limit.unitWritten())));
      residual.removeAll(MatchText.words(MatchText.normalize(limit.condition())));
    }
    residual.removeIf(word -> NUMBER_WORD.matcher(word).matches() && unitTail(word, limits));
    CriterionRule rule = interner.intern(CriterionRule.of(limits, topics, residual.isEmpty(), heading));
    return interner.intern(new Criterion(id, text, exclude, List.copyOf(limits), List.copyOf(topics), rule,
        List.copyOf(children)));
  }

  /** A number, or a number glued to a unit of one of the limits ("30ml"). */
  private static boolean unitTail(String word, List<Limit> limits) {
    String tail = word.replaceFirst("^\\d+", "");
    if (tail.isEmpty()) {
      return true;
    }
    for (Limit limit : limits) {
      if (MatchText.words(MatchText.normalize(limit.unitWritten())).contains(tail)) {
        return true;
      }
    }
    return false;
  }

  private List<TopicMention> mentions(String clause, boolean[] used) {
    List<TopicMention> found = new ArrayList<>();
    for (MatchVocabulary.PhraseAt at : vocabulary.topicPhrases(clause)) {
      for (int i = at.start(); i < at.end(); i++) {
        used[i] = true;
      }
      List<String> before = MatchText.words(clause.substring(0, at.start()).strip());
      List<String> near = before.subList(Math.max(0, before.size() - 3), before.size());
      if (near.stream().anyMatch(NEGATIONS::contains)) {
        continue; // "no prior CAR-T", "without brain metastases"
      }
      for (MatchVocabulary.TopicTarget target : vocabulary.topicsOfPhrase(at.phrase())) {
        String topic = target.topic();
        if (PAST_THERAPY_TOPICS.contains(topic) && before.stream().noneMatch(PAST_CUES::contains)) {
          continue;
        }
        Set<String> mustSay = new HashSet<>(near);
        mustSay.retainAll(RESTRICTIVE);
        found.add(interner.intern(new TopicMention(topic, at.phrase(), Set.copyOf(mustSay), near.contains("active"),
            window(clause), insufficient(topic, clause))));
      }
    }
    return found;
  }

  private static List<String> unusedWords(String clause, boolean[] used) {
    StringBuilder unused = new StringBuilder();
    for (int i = 0; i < clause.length(); i++) {
      unused.append(used[i] ? ' ' : clause.charAt(i));
    }
    return MatchText.words(MatchText.normalize(unused.toString()));
  }

  private static Period window(String clause) {
    Matcher m = WINDOW.matcher(clause);
    if (!m.find()) {
      return null;
    }
    int n = Integer.parseInt(m.group(1));
    return switch (m.group(2)) {
      case "day" -> Period.ofDays(n);
      case "week" -> Period.ofWeeks(n);
      case "month" -> Period.ofMonths(n);
      default -> Period.ofYears(n);
    };
  }

  private static String insufficient(String topic, String clause) {
    for (String exception : EXCEPTIONS) {
      if (MatchText.contains(clause, exception)) {
        return "the criterion makes an exception (\"" + exception + " ...\") the patient data cannot settle";
      }
    }
    if (!INFECTION_TOPICS.contains(topic)) {
      return null;
    }
    for (String qualifier : INFECTION_QUALIFIERS) {
      if (MatchText.contains(clause, qualifier)) {
        return "the criterion qualifies the infection (\"" + qualifier + "\"), which a diagnosis or serology alone"
            + " does not show";
      }
    }
    for (String name : VIRUS_NAMES.get(topic)) {
      for (String test : List.of(" dna", " rna")) {
        if (MatchText.contains(clause, name + test)) {
          return "the criterion asks for a " + (name + test).toUpperCase(Locale.ROOT)
              + " result, which a diagnosis or serology alone does not show";
        }
      }
    }
    return null;
  }
}
