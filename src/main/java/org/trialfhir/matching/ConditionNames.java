package org.trialfhir.matching;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/**
 * Condition names as the matcher compares them: a CodeableConcept in, its names out (text and displays, each also
 * split at parentheses, so "AML (Acute Myeloid Leukemia)" gives "aml" and "acute myeloid leukemia"), and each name
 * as a set of word stems ("leukaemias" and "leukemia" share one). A study condition matches a patient condition when
 * every stem of the study's name is in the patient's (the patient's diagnosis is that condition or a kind of it:
 * "Ewing sarcoma" is a "sarcoma"), a word of at least {@value #COMPOUND} letters also in compounds that end with it
 * ("osteosarcoma" is a "sarcoma", "adenocarcinoma" a "carcinoma"), except for words that negate ("non-Hodgkin
 * lymphoma" is no "Hodgkin lymphoma").
 * Words of disease state (relapsed, refractory, metastatic, ...) in a study's condition are not required of the
 * patient's diagnosis: the state is the criteria's business.
 */
final class ConditionNames {
  private static final Pattern PARENTHESIS = Pattern.compile("[(（]([^()（）]*)[)）]");
  /** States of a disease, not the disease: "Refractory Osteosarcoma" asks for osteosarcoma. */
  static final Set<String> STATE_WORDS = stems(Set.of("relapsed", "relapsing", "refractory", "recurrent",
      "metastatic", "advanced", "progressive", "resistant", "persistent", "newly", "diagnosed", "untreated",
      "previously", "treated", "unresectable", "locally", "active", "r"));
  /** The shortest study word that also matches as the end of a compound patient word. */
  static final int COMPOUND = 6;
  /** A patient's words that make its diagnosis the opposite of the study's. */
  private static final Set<String> NEGATIONS = Set.of("non", "not", "no", "without", "negative");

  private ConditionNames() {}

  /** The normalised names of a concept: text and displays, whole and split at parentheses. */
  static List<String> names(CodeableConcept concept) {
    Set<String> names = new LinkedHashSet<>();
    forms(concept.getText(), names);
    for (Coding coding : concept.getCoding()) {
      forms(coding.getDisplay(), names);
    }
    return List.copyOf(names);
  }

  private static void forms(String written, Set<String> into) {
    if (written == null || written.isBlank()) {
      return;
    }
    Matcher m = PARENTHESIS.matcher(written);
    StringBuilder outside = new StringBuilder();
    while (m.find()) {
      add(m.group(1), into);
      m.appendReplacement(outside, " ");
    }
    m.appendTail(outside);
    add(outside.toString(), into);
  }

  private static void add(String text, Set<String> into) {
    String normalized = MatchText.normalize(text);
    if (!normalized.isEmpty()) {
      into.add(normalized);
    }
  }

  /** The stems of a normalised name's words. */
  static Set<String> stems(String normalized) {
    return stems(MatchText.words(normalized));
  }

  private static Set<String> stems(Iterable<String> words) {
    Set<String> stems = new LinkedHashSet<>();
    for (String word : words) {
      stems.add(stem(word));
    }
    return stems;
  }

  /**
   * A crude stem, the same for singular and plural and for -is/-es endings ("metastasis", "metastases";
   * "disease", "diseases"): enough to compare names, not a linguistic stem.
   */
  static String stem(String word) {
    String w = word;
    if (w.length() > 3 && w.endsWith("s")) {
      w = w.substring(0, w.length() - 1);
    }
    if (w.length() > 3 && (w.endsWith("e") || w.endsWith("i"))) {
      w = w.substring(0, w.length() - 1);
    }
    return w;
  }

  /** The stems a study condition name requires of the patient's: its own, disease-state words left out. */
  static Set<String> required(String normalizedStudyName) {
    Set<String> stems = new LinkedHashSet<>(stems(normalizedStudyName));
    stems.removeAll(STATE_WORDS);
    return stems;
  }

  /** True when a patient's name (its stems) is the study name (its required stems) or a kind of it. */
  static boolean covers(Set<String> patientStems, Set<String> requiredStems) {
    if (requiredStems.isEmpty()) {
      return false;
    }
    for (String required : requiredStems) {
      if (!patientStems.contains(required) && (required.length() < COMPOUND
          || patientStems.stream().noneMatch(stem -> stem.endsWith(required)))) {
        return false;
      }
    }
    for (String stem : patientStems) {
      if (NEGATIONS.contains(stem) && !requiredStems.contains(stem)) {
        return false;
      }
    }
    return true;
  }

  /** The stems a patient stem can stand for: itself and, for a compound, its endings of {@value #COMPOUND}+ letters. */
  static Set<String> standsFor(String patientStem) {
    Set<String> out = new LinkedHashSet<>();
    out.add(patientStem);
    for (int i = 1; i + COMPOUND <= patientStem.length(); i++) {
      out.add(patientStem.substring(i));
    }
    return out;
  }

  /** Every required-stem set of a study condition's names. */
  static List<Set<String>> requiredForms(CodeableConcept concept) {
    List<Set<String>> forms = new ArrayList<>();
    for (String name : names(concept)) {
      Set<String> required = required(name);
      if (!required.isEmpty() && !forms.contains(required)) {
        forms.add(required);
      }
    }
    return forms;
  }
}
