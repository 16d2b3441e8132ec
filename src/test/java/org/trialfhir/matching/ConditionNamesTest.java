package org.trialfhir.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.junit.jupiter.api.Test;

/** Condition names: normalisation, parentheses, spelling, stems, and when a patient's name covers a study's. */
class ConditionNamesTest {

  @Test
  void normalisationFoldsCaseAccentsPunctuationAndBritishSpelling() {
    assertEquals("acute myeloid leukemia", MatchText.normalize("Acute Myeloid Leukaemia"));
    assertEquals("sjogren syndrome", MatchText.normalize("Sjögren's syndrome"));
    assertEquals("b cell acute lymphoblastic leukemia", MatchText.normalize("B-cell acute lymphoblastic leukemia"));
    assertEquals("car t", MatchText.normalize("CAR-T"));
    assertEquals("", MatchText.normalize(null));
  }

  @Test
  void parenthesesGiveTheAbbreviationAndTheFullName() {
    assertEquals(List.of("acute myeloid leukemia", "aml"),
        ConditionNames.names(new CodeableConcept().setText("AML (Acute Myeloid Leukemia)")));
  }

  @Test
  void acuteMyeloidLeukemiaMatchesTheStudysAmlInAnySpelling() {
    List<Set<String>> study = ConditionNames.requiredForms(new CodeableConcept().setText("AML (Acute Myeloid Leukemia)"));
    for (String patient : List.of("Acute myeloid leukemia", "acute myeloid leukaemia", "AML", "ACUTE MYELOID LEUKEMIA.",
        "Acute myeloid leukemia in relapse")) {
      assertTrue(covered(patient, study), patient);
    }
    for (String patient : List.of("Chronic myeloid leukemia", "Acute lymphoblastic leukemia", "Myeloid leukemia")) {
      assertFalse(covered(patient, study), patient);
    }
  }

  @Test
  void aKindOfTheStudysConditionMatchesButNotTheOtherWayRound() {
    List<Set<String>> sarcoma = ConditionNames.requiredForms(new CodeableConcept().setText("Sarcoma"));
    assertTrue(covered("Ewing sarcoma", sarcoma));
    assertTrue(covered("Osteosarcoma of the femur", sarcoma), "a compound ending in 'sarcoma' is a sarcoma");
    List<Set<String>> ewing = ConditionNames.requiredForms(new CodeableConcept().setText("Sarcoma, Ewing"));
    assertFalse(covered("Sarcoma", ewing), "a sarcoma need not be an Ewing sarcoma");
  }

  @Test
  void diseaseStateWordsAreNotRequiredButNegationsAreRespected() {
    List<Set<String>> refractory = ConditionNames.requiredForms(new CodeableConcept().setText("Refractory Osteosarcoma"));
    assertTrue(covered("Osteosarcoma", refractory));
    List<Set<String>> hodgkin = ConditionNames.requiredForms(new CodeableConcept().setText("Hodgkin Lymphoma"));
    assertFalse(covered("Non-Hodgkin lymphoma", hodgkin));
    assertTrue(covered("Classical Hodgkin lymphoma", hodgkin));
  }

  @Test
  void stemsJoinSingularPluralAndLatinEndings() {
    assertEquals(ConditionNames.stem("metastasis"), ConditionNames.stem("metastases"));
    assertEquals(ConditionNames.stem("disease"), ConditionNames.stem("diseases"));
    assertEquals(ConditionNames.stem("sarcoma"), ConditionNames.stem("sarcomas"));
  }

  private static boolean covered(String patient, List<Set<String>> study) {
    for (String name : ConditionNames.names(new CodeableConcept().setText(patient))) {
      Set<String> stems = ConditionNames.stems(name);
      if (study.stream().anyMatch(form -> ConditionNames.covers(stems, form))) {
        return true;
      }
    }
    return false;
  }
}
