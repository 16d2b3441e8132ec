package org.trialfhir.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Period;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How exclusion text becomes topics: the seed trials' own sentences, and what must not be read as a topic. The rules
 * are general; each assertion names the wording it checks.
 */
class CriterionReaderTest {
  private static final CriterionReader READER = new CriterionReader(MatchVocabulary.standard());

  @Test
  void priorCarTIsATopicButCarTMentionedOtherwiseIsNot() {
    assertEquals(List.of("cell-therapy"), topics("Prior treatment with any CAR-T cell therapy or other"
        + " gene-modified T-cell therapy is excluded."));
    // no past-tense cue: "an unsuitable candidate for CAR-T therapy", "after receiving CAR-NK cell infusion"
    assertEquals(List.of(), topics("Any significant uncontrolled medical condition that would make the patient an"
        + " unsuitable candidate for CAR-T therapy."));
    assertEquals(List.of(), topics("Male or female subjects who plan to have children within 1 year after receiving"
        + " CAR-NK cell infusion"));
    // a negation drops the phrase
    assertEquals(List.of(), topics("Patients with no prior CAR-T therapy"));
  }

  @Test
  void infectionsAreTopicsAndTheirQualifiersAreKept() {
    Criterion c = read("Active hepatitis B, active hepatitis C, or any human immunodeficiency virus (HIV) infection"
        + " at the time of screening");
    assertEquals(Set.of("hbv", "hcv", "hiv"), Set.copyOf(topicsOf(c)));
    assertTrue(c.topics().stream().filter(t -> t.topic().equals("hbv")).allMatch(TopicMention::mustBeCurrent));
    assertTrue(c.covered(), "every word is a topic or filler: a patient shown free of all three meets it");

    Criterion load = read("Active uncontrolled infection, or HIV infection with uncontrolled viral load");
    assertNotNull(load.topics().get(0).insufficientBecause(), "HIV with uncontrolled viral load is not any HIV");

    Criterion dna = read("Subjects who are positive for Hepatitis B surface antigen (HBsAg) and have a peripheral"
        + " blood HBV-DNA test higher than the lower limit of detection; HIV antibody positive;");
    assertNotNull(dna.topics().stream().filter(t -> t.topic().equals("hbv")).findFirst().orElseThrow()
        .insufficientBecause());
    assertNull(dna.topics().stream().filter(t -> t.topic().equals("hiv")).findFirst().orElseThrow()
        .insufficientBecause(), "the HIV clause has no qualifier of its own");
  }

  @Test
  void restrictiveAdjectivesWindowsAndExceptionsAreRead() {
    TopicMention investigational = read("Previous treatment with investigational gene or cell therapy medicine"
        + " products").topics().get(0);
    assertEquals(Set.of("investigational"), investigational.mustSay());
    TopicMention window = read("Prior chemotherapy within 4 weeks prior to enrollment").topics().get(0);
    assertEquals(Period.ofWeeks(4), window.window());
    TopicMention except = read("Receipt of anti-tumor therapies prior to screening, including chemotherapy,"
        + " except for those who have confirmed disease progression").topics().get(0);
    assertNotNull(except.insufficientBecause());
  }

  @Test
  void coverageNeedsEveryWordToBeATopicALimitOrFiller() {
    assertTrue(read("Pregnant or nursing women").covered());
    assertTrue(read("Presence of brain metastases;").covered());
    assertFalse(read("Subjects who have previously received or are awaiting an organ transplant;").covered(),
        "'awaiting' is a requirement no record can show absent");
    assertFalse(read("Pregnant or lactating females, or planning to become pregnant within 2 years").covered());
  }

  @Test
  void aHeadingThatNamesADiseaseRestrictsTheCriterion() {
    Criterion c = READER.read("inc-8", "Sjögren's syndrome : Diagnosed with pSS-TP and platelet count < 30×10^9/L",
        false, List.of(), List.of());
    assertNotNull(c.heading());
    assertEquals("83901003", c.heading().snomed());
    assertNull(READER.read("inc-5", "Organ Function: adequate", false, List.of(), List.of()).heading());
  }

  private static Criterion read(String text) {
    return READER.read("exc-1", text, true, List.of(), List.of());
  }

  private static List<String> topics(String text) {
    return topicsOf(read(text)).stream().distinct().toList();
  }

  private static List<String> topicsOf(Criterion c) {
    return c.topics().stream().map(TopicMention::topic).toList();
  }
}
