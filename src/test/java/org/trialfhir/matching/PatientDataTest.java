package org.trialfhir.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** What PatientData reads from a Bundle, and the Bundles it refuses. */
class PatientDataTest {
  private static final MatchVocabulary VOCABULARY = MatchVocabulary.standard();

  @Test
  void aBundleWithoutPatientOrWithTwoIsRefusedWithTheReason() {
    Bundle none = new Bundle();
    none.addEntry().setResource(new Condition().setCode(new CodeableConcept().setText("AML")));
    InvalidPatientDataException e = assertThrows(InvalidPatientDataException.class,
        () -> PatientData.from(none, VOCABULARY));
    assertTrue(e.getMessage().contains("no Patient"), e.getMessage());
    Bundle two = new Bundle();
    two.addEntry().setResource(new Patient().setId("a"));
    two.addEntry().setResource(new Patient().setId("b"));
    e = assertThrows(InvalidPatientDataException.class, () -> PatientData.from(two, VOCABULARY));
    assertTrue(e.getMessage().contains("Patient/a, Patient/b"), e.getMessage());
  }

  @Test
  void aPartialBirthDateIsARange() {
    Bundle bundle = new Bundle();
    bundle.addEntry().setResource(new Patient().setBirthDateElement(new DateType("1980-03")).setId("p"));
    PatientData data = PatientData.from(bundle, VOCABULARY);
    assertEquals(LocalDate.of(1980, 3, 1), data.birthDate().earliest());
    assertEquals(LocalDate.of(1980, 3, 31), data.birthDate().latest());
    assertNull(data.gender());
  }

  @Test
  void measurementsByCodeComeInTheRecordsOrderEachOnce() {
    PatientData data = PatientData.from(SyntheticPatient.female("p", "1980-01-01")
        .lab("777-3", "Platelets", "120", "10*9/L", "2025-05-20")
        .lab("718-7", "Hemoglobin", "9", "g/dL", "2025-05-20")
        .lab("26515-7", "Platelets", "110", "10*9/L", "2025-05-21")
        .lab("777-3", "Platelets", "100", "10*9/L", "2025-05-22")
        .bundle(), VOCABULARY);
    // what LimitEvaluator relies on for ties: the same order as measurements(), whichever code is asked first
    assertEquals(List.of("120", "110", "100"), data.measurements(new LinkedHashSet<>(List.of("26515-7", "777-3")))
        .stream().map(m -> m.value().toPlainString()).toList());
    assertEquals(List.of("9"), data.measurements(Set.of("718-7", "2160-0")).stream()
        .map(m -> m.value().toPlainString()).toList());
    assertTrue(data.measurements(Set.of("2160-0")).isEmpty());
  }

  @Test
  void codesAndNamesGiveSnomedAndTopics() {
    PatientData data = PatientData.from(SyntheticPatient.male("p", "1990-01-01")
        .condition(SyntheticPatient.ICD10CM, "C92.00", "Acute myeloblastic leukemia, not having achieved remission")
        .condition(SyntheticPatient.ICD10CM, "Z94.84", "Stem cells transplant status")
        .conditionText("Kaposi sarcoma")
        .procedure("Allogeneic hematopoietic stem cell transplant", "2023-02-02")
        .bundle(), VOCABULARY);
    assertTrue(data.conditions().get(0).snomed().contains("91861009"), "C92.00 through icd10cm-snomed (C92.0)");
    assertTrue(data.conditions().get(2).snomed().contains("109385007"), "the name through condition-snomed");
    assertEquals(2, data.findings().stream().filter(f -> f.topic().equals("hsct")).count());
    assertTrue(data.findings().stream().anyMatch(f -> f.topic().equals("hsct") && f.text().contains("allogeneic")));
  }

  @Test
  void refutedDiagnosesShowAbsenceAndUnusableObservationsAreLeftOut() {
    Bundle bundle = SyntheticPatient.female("p", "1990-01-01").bundle();
    Condition refuted = new Condition().setCode(new CodeableConcept().setText("Brain metastases"));
    refuted.setVerificationStatus(new CodeableConcept(
        new Coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", "refuted", "Refuted")));
    bundle.addEntry().setResource(refuted.setId("c1"));
    Observation cancelled = new Observation().setStatus(Observation.ObservationStatus.CANCELLED)
        .setCode(new CodeableConcept(new Coding("http://loinc.org", "777-3", "Platelets")));
    bundle.addEntry().setResource(cancelled.setId("o1"));
    PatientData data = PatientData.from(bundle, VOCABULARY);
    assertTrue(data.conditions().isEmpty(), "a refuted diagnosis is no diagnosis");
    assertEquals(1, data.findings().size());
    assertFalse(data.findings().get(0).present());
    assertEquals("cns-involvement", data.findings().get(0).topic());
    assertTrue(data.measurements().isEmpty());
  }
}
