package org.trialfhir.matching;

import java.math.BigDecimal;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Builds a synthetic patient's Bundle (collection) the way an EHR export would carry it: a Patient, Conditions coded
 * in SNOMED CT or ICD-10-CM or given as text, LOINC Observations with UCUM quantities, qualitative tests,
 * Procedures and MedicationStatements. Ids are {@code <patient>-<n>}.
 */
final class SyntheticPatient {
  static final String SNOMED = "http://snomed.info/sct";
  static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
  static final String LOINC = "http://loinc.org";
  static final String UCUM = "http://unitsofmeasure.org";

  private final String id;
  private final Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
  private int next = 1;

  private SyntheticPatient(String id, AdministrativeGender gender, String birthDate) {
    this.id = id;
    Patient patient = new Patient();
    patient.setId(id);
    if (gender != null) {
      patient.setGender(gender);
    }
    if (birthDate != null) {
      patient.setBirthDateElement(new DateType(birthDate));
    }
    add(patient);
  }

  static SyntheticPatient female(String id, String birthDate) {
    return new SyntheticPatient(id, AdministrativeGender.FEMALE, birthDate);
  }

  static SyntheticPatient male(String id, String birthDate) {
    return new SyntheticPatient(id, AdministrativeGender.MALE, birthDate);
  }

  static SyntheticPatient unknown(String id) {
    return new SyntheticPatient(id, null, null);
  }

  SyntheticPatient condition(String system, String code, String display) {
    Condition condition = new Condition();
    condition.setCode(new CodeableConcept(new Coding(system, code, display)));
    condition.setClinicalStatus(new CodeableConcept(
        new Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active")));
    return add(condition.setSubject(subject()));
  }

  SyntheticPatient conditionText(String text) {
    Condition condition = new Condition();
    condition.setCode(new CodeableConcept().setText(text));
    return add(condition.setSubject(subject()));
  }

  /** A numeric result in a UCUM unit, optionally with the reference range's upper limit (same unit). */
  SyntheticPatient lab(String loinc, String display, String value, String unit, String date, String high) {
    Observation observation = observation(loinc, display, date);
    observation.setValue(new Quantity().setValue(new BigDecimal(value)).setUnit(unit).setSystem(UCUM).setCode(unit));
    if (high != null) {
      observation.addReferenceRange().setHigh((Quantity) new Quantity().setValue(new BigDecimal(high)).setUnit(unit)
          .setSystem(UCUM).setCode(unit));
    }
    return add(observation);
  }

  SyntheticPatient lab(String loinc, String display, String value, String unit, String date) {
    return lab(loinc, display, value, unit, date, null);
  }

  SyntheticPatient ecog(int score, String date) {
    return add(observation("89247-1", "ECOG Performance Status score", date).setValue(new IntegerType(score)));
  }

  SyntheticPatient karnofsky(int score, String date) {
    return add(observation("89243-0", "Karnofsky Performance Status score", date).setValue(new IntegerType(score)));
  }

  /** A qualitative test whose value is a SNOMED CT qualifier (Positive 10828004, Negative 260385009). */
  SyntheticPatient test(String loinc, String display, boolean positive, String date) {
    Coding value = positive ? new Coding(SNOMED, "10828004", "Positive") : new Coding(SNOMED, "260385009", "Negative");
    return add(observation(loinc, display, date).setValue(new CodeableConcept(value)));
  }

  SyntheticPatient pregnancyStatus(boolean pregnant, String date) {
    Coding value = pregnant ? new Coding(LOINC, "LA15173-0", "Pregnant") : new Coding(LOINC, "LA26683-5", "Not pregnant");
    return add(observation("82810-3", "Pregnancy status", date).setValue(new CodeableConcept(value)));
  }

  SyntheticPatient procedure(String text, String date) {
    Procedure procedure = new Procedure();
    procedure.setStatus(Procedure.ProcedureStatus.COMPLETED);
    procedure.setCode(new CodeableConcept().setText(text));
    procedure.setPerformed(new DateTimeType(date));
    return add(procedure.setSubject(subject()));
  }

  SyntheticPatient medication(String text, String date) {
    MedicationStatement statement = new MedicationStatement();
    statement.setStatus(MedicationStatement.MedicationStatementStatus.COMPLETED);
    statement.setMedication(new CodeableConcept().setText(text));
    statement.setEffective(new DateTimeType(date));
    return add(statement.setSubject(subject()));
  }

  Bundle bundle() {
    return bundle;
  }

  private Observation observation(String loinc, String display, String date) {
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.setCode(new CodeableConcept(new Coding(LOINC, loinc, display)));
    observation.setEffective(new DateTimeType(date));
    observation.setSubject(subject());
    return observation;
  }

  private Reference subject() {
    return new Reference("Patient/" + id);
  }

  private SyntheticPatient add(Resource resource) {
    if (!(resource instanceof Patient)) {
      resource.setId(id + "-" + next++);
    }
    bundle.addEntry().setFullUrl("https://ehr.example.org/fhir/" + resource.fhirType() + "/"
        + resource.getIdElement().getIdPart()).setResource(resource);
    return this;
  }
}
