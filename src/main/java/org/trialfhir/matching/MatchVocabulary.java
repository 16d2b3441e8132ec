package org.trialfhir.matching;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.trialfhir.mapping.ConceptMaps;

/**
 * The vocabulary the matcher reads from {@code mappings/}, as lookup tables: eligibility topics by code and by phrase
 * (eligibility-topic), positive/negative results (result-polarity), ICD-10-CM to SNOMED CT (icd10cm-snomed),
 * condition names to SNOMED CT (condition-snomed), which observation codes measure a limit's analyte
 * (observation-analyte, analyte-loinc), and UCUM conversion. Built once and shared; immutable.
 */
public final class MatchVocabulary {
  public static final String SNOMED = "http://snomed.info/sct";
  public static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
  public static final String LOINC = "http://loinc.org";
  public static final String UCUM = "http://unitsofmeasure.org";
  public static final String TOPIC_SYSTEM = "https://trialfhir.org/fhir/CodeSystem/eligibility-topic";
  static final String INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

  /**
   * A topic a code or phrase shows. For a laboratory test, {@code presence} says a positive result shows the topic
   * and {@code absence} that a negative one shows it absent; a diagnosis, procedure or phrase shows presence.
   */
  record TopicTarget(String topic, String display, boolean presence, boolean absence) {}

  private static volatile MatchVocabulary standard;

  private final Map<String, Map<String, List<TopicTarget>>> topicsByCode;
  private final Map<String, List<TopicTarget>> topicsByPhrase;
  private final Map<String, List<String>> phrasesByFirstWord;
  private final Map<String, String> topicDisplays;
  private final Map<String, Map<String, Boolean>> positiveByCode;
  private final Map<String, Boolean> positiveByWord;
  private final Map<String, String> snomedByIcd10;
  private final Map<String, String> snomedByConditionName;
  private final Map<String, Set<String>> analyteCodes;
  private final Map<String, Set<String>> analyteWords;
  private final UnitConverter units;
  private final Set<String> phases;
  private final Set<String> statuses;

  private MatchVocabulary(ConceptMaps maps, UnitConverter units) {
    this.units = units;
    phases = codes(maps, "ctgov-phase");
    statuses = codes(maps, "ctgov-overall-status");
    topicsByCode = new HashMap<>();
    topicsByPhrase = new HashMap<>();
    topicDisplays = new LinkedHashMap<>();
    for (ConceptMapGroupComponent group : map(maps, "eligibility-topic").getGroup()) {
      for (SourceElementComponent element : group.getElement()) {
        List<TopicTarget> targets = new ArrayList<>();
        for (TargetElementComponent target : element.getTarget()) {
          ConceptMapEquivalence eq = target.getEquivalence();
          if (!target.hasCode() || eq == ConceptMapEquivalence.UNMATCHED || eq == ConceptMapEquivalence.DISJOINT) {
            continue;
          }
          boolean presence = eq != ConceptMapEquivalence.INEXACT;
          targets.add(new TopicTarget(target.getCode(), target.getDisplay(), presence, true));
          topicDisplays.putIfAbsent(target.getCode(), target.getDisplay());
        }
        if (group.hasSource()) {
          topicsByCode.computeIfAbsent(group.getSource(), s -> new HashMap<>()).put(element.getCode(), targets);
        } else {
          topicsByPhrase.put(MatchText.normalize(element.getCode()), targets);
        }
      }
    }
    Map<String, List<String>> byFirst = new HashMap<>();
    topicsByPhrase.keySet().stream()
        .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
        .forEach(phrase -> byFirst.computeIfAbsent(phrase.split(" ", 2)[0], w -> new ArrayList<>()).add(phrase));
    phrasesByFirstWord = Map.copyOf(byFirst);
    positiveByCode = new HashMap<>();
    positiveByWord = new HashMap<>();
    for (ConceptMapGroupComponent group : map(maps, "result-polarity").getGroup()) {
      for (SourceElementComponent element : group.getElement()) {
        Boolean positive = element.getTarget().stream().filter(TargetElementComponent::hasCode)
            .map(t -> "POS".equals(t.getCode())).findFirst().orElse(null);
        if (positive == null) {
          continue;
        }
        if (group.hasSource()) {
          positiveByCode.computeIfAbsent(group.getSource(), s -> new HashMap<>()).put(element.getCode(), positive);
        } else {
          positiveByWord.put(MatchText.normalize(element.getCode()), positive);
        }
      }
    }
    snomedByIcd10 = targets(map(maps, "icd10cm-snomed"), false, true);
    snomedByConditionName = targets(map(maps, "condition-snomed"), true, true);
    analyteCodes = new HashMap<>();
    for (Map.Entry<String, String> entry : targets(map(maps, "observation-analyte"), false, false).entrySet()) {
      analyteCodes.computeIfAbsent(entry.getValue(), c -> new LinkedHashSet<>()).add(entry.getKey());
    }
    analyteWords = new HashMap<>();
    for (String phrase : maps.sourceCodes("analyte-loinc")) {
      maps.translate("analyte-loinc", phrase).ifPresent(coding -> analyteWords
          .computeIfAbsent(coding.getCode(), c -> new HashSet<>()).addAll(MatchText.words(MatchText.normalize(phrase))));
    }
  }

  /** The vocabulary of the ConceptMaps given, with a UCUM converter. */
  public static MatchVocabulary of(ConceptMaps maps, UnitConverter units) {
    return new MatchVocabulary(maps, units);
  }

  /** The vocabulary of the shipped {@code mappings/}, loaded once per JVM. */
  public static MatchVocabulary standard() {
    MatchVocabulary vocabulary = standard;
    if (vocabulary == null) {
      synchronized (MatchVocabulary.class) {
        if (standard == null) {
          standard = new MatchVocabulary(ConceptMaps.load(FhirContext.forR4Cached()), UnitConverter.load());
        }
        vocabulary = standard;
      }
    }
    return vocabulary;
  }

  UnitConverter units() {
    return units;
  }

  /**
   * The topics a code shows. ICD-10-CM codes are matched on their longest listed prefix (C79.31 is C79.3), since the
   * map lists categories.
   */
  List<TopicTarget> topicsOfCode(String system, String code) {
    Map<String, List<TopicTarget>> bySystem = topicsByCode.get(system);
    if (bySystem == null || code == null) {
      return List.of();
    }
    if (ICD10CM.equals(system)) {
      return byPrefix(bySystem, code).orElse(List.of());
    }
    return bySystem.getOrDefault(code, List.of());
  }

  /** A topic phrase found in a text: the phrase and its character offsets. */
  record PhraseAt(String phrase, int start, int end) {}

  /**
   * The topic phrases in a normalised text, from left to right, the longest at each word ("hcv antibody" before
   * "hcv"), none overlapping.
   */
  List<PhraseAt> topicPhrases(String normalized) {
    List<PhraseAt> found = new ArrayList<>();
    int i = 0;
    while (i < normalized.length()) {
      int wordEnd = normalized.indexOf(' ', i);
      if (wordEnd < 0) {
        wordEnd = normalized.length();
      }
      int next = wordEnd + 1;
      for (String phrase : phrasesByFirstWord.getOrDefault(normalized.substring(i, wordEnd), List.of())) {
        int end = i + phrase.length();
        if (normalized.startsWith(phrase, i) && (end == normalized.length() || normalized.charAt(end) == ' ')) {
          found.add(new PhraseAt(phrase, i, end));
          next = end + 1;
          break;
        }
      }
      i = next;
    }
    return found;
  }

  List<TopicTarget> topicsOfPhrase(String normalizedPhrase) {
    return topicsByPhrase.getOrDefault(normalizedPhrase, List.of());
  }

  /** The display of a topic code (the eligibility-topic CodeSystem's). */
  public String topicDisplay(String topic) {
    return topicDisplays.getOrDefault(topic, topic);
  }

  /** Whether a coded result is positive (true), negative (false), or neither known (empty). */
  Optional<Boolean> positive(String system, String code) {
    if (INTERPRETATION.equals(system)) {
      return "POS".equals(code) ? Optional.of(true) : "NEG".equals(code) ? Optional.of(false) : Optional.empty();
    }
    Map<String, Boolean> bySystem = positiveByCode.get(system);
    return bySystem == null ? Optional.empty() : Optional.ofNullable(bySystem.get(code));
  }

  /** Whether a result written in words ("Negative", "non-reactive") is positive, negative, or neither known. */
  Optional<Boolean> positive(String text) {
    return Optional.ofNullable(positiveByWord.get(MatchText.normalize(text)));
  }

  /** The SNOMED CT disorder an ICD-10-CM code falls under, by its longest listed prefix. */
  Optional<String> snomedOfIcd10(String code) {
    return code == null ? Optional.empty() : byPrefix(snomedByIcd10, code);
  }

  /** The SNOMED CT disorder a condition name denotes (condition-snomed, compared normalised). */
  Optional<String> snomedOfName(String normalizedName) {
    return Optional.ofNullable(snomedByConditionName.get(normalizedName));
  }

  /** The LOINC codes whose Observations measure the analyte of a limit coded {@code limitCode}, that code first. */
  Set<String> observationCodes(String limitCode) {
    Set<String> codes = new LinkedHashSet<>();
    codes.add(limitCode);
    codes.addAll(analyteCodes.getOrDefault(limitCode, Set.of()));
    return codes;
  }

  /** The words of the analyte phrases that name a LOINC code ("absolute", "neutrophil", "count", "anc"). */
  Set<String> analyteWords(String loincCode) {
    return analyteWords.getOrDefault(loincCode, Set.of());
  }

  /**
   * The phase codes a study can carry, normalised as {@link MatchFilters} compares them: R4 research-study-phase
   * codes and CT.gov phases (the ctgov-phase map's targets and sources).
   */
  public Set<String> phaseCodes() {
    return phases;
  }

  /** The status codes a study can carry, normalised: R4 research-study-status and CT.gov overall statuses. */
  public Set<String> statusCodes() {
    return statuses;
  }

  /** Whether a filter value names a phase studies can have, in either vocabulary, any case. */
  public boolean isPhase(String value) {
    return phases.contains(MatchText.normalize(value));
  }

  /** Whether a filter value names a status studies can have, in either vocabulary, any case. */
  public boolean isStatus(String value) {
    return statuses.contains(MatchText.normalize(value));
  }

  private static Set<String> codes(ConceptMaps maps, String mapId) {
    Set<String> codes = new HashSet<>();
    for (String source : maps.sourceCodes(mapId)) {
      codes.add(MatchText.normalize(source));
      maps.translate(mapId, source).ifPresent(target -> codes.add(MatchText.normalize(target.getCode())));
    }
    return Set.copyOf(codes);
  }

  private static <T> Optional<T> byPrefix(Map<String, T> table, String code) {
    for (String prefix = code.strip(); !prefix.isEmpty(); prefix = prefix.substring(0, prefix.length() - 1)) {
      T found = table.get(prefix);
      if (found != null) {
        return Optional.of(found);
      }
      if (prefix.length() <= 3) {
        break; // an ICD-10-CM category has three characters; shorter prefixes are chapters, not diagnoses
      }
    }
    return Optional.empty();
  }

  /**
   * Source code (normalised when asked) to its first target code; with {@code kindOf}, only a target that is the same
   * or a wider concept (the source is a kind of it).
   */
  private static Map<String, String> targets(ConceptMap map, boolean normalize, boolean kindOf) {
    Map<String, String> out = new HashMap<>();
    for (ConceptMapGroupComponent group : map.getGroup()) {
      for (SourceElementComponent element : group.getElement()) {
        for (TargetElementComponent target : element.getTarget()) {
          ConceptMapEquivalence eq = target.getEquivalence();
          // The source must be the target or a kind of it: a narrower target would claim too much.
          boolean sameOrWider = eq == ConceptMapEquivalence.EQUIVALENT || eq == ConceptMapEquivalence.EQUAL
              || eq == ConceptMapEquivalence.WIDER || eq == ConceptMapEquivalence.SUBSUMES;
          if (target.hasCode() && eq != ConceptMapEquivalence.UNMATCHED && eq != ConceptMapEquivalence.DISJOINT
              && (sameOrWider || !kindOf)) {
            out.putIfAbsent(normalize ? MatchText.normalize(element.getCode()) : element.getCode(), target.getCode());
            break;
          }
        }
      }
    }
    return out;
  }

  private static ConceptMap map(ConceptMaps maps, String id) {
    return maps.all().stream().filter(m -> id.equals(m.getIdElement().getIdPart())).findFirst()
        .orElseThrow(() -> new IllegalStateException("mappings/ConceptMap-" + id + ".json is not on the classpath"));
  }
}
