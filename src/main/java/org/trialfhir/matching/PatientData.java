package org.trialfhir.matching;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

/**
 * One patient's data as the matcher uses it, read from a FHIR Bundle: the Patient's birth date and gender; each
 * Condition with its codes and names; each numeric Observation (value, UCUM unit, reference range, date); and the
 * eligibility topics (prior cell therapy, transplant, chemotherapy, pregnancy, HBV/HCV/HIV, CNS involvement) that
 * Conditions, Procedures, MedicationStatements, MedicationRequests and qualitative Observations show present or
 * absent. Entered-in-error, cancelled and not-done records are left out, as are refuted diagnoses (which show their
 * topic absent instead).
 */
public final class PatientData {

  /** The birth date, as a range when the Patient gives only a year or a month. */
  public record BirthDate(LocalDate earliest, LocalDate latest, String written) {}

  /**
   * A diagnosis: its codings, normalised names and their word stems, the SNOMED CT disorders it denotes (its own
   * codes, and those its ICD-10-CM codes and names map to), and whether it is current.
   */
  public record PatientCondition(String reference, String label, List<Coding> codings, List<String> names,
      List<Set<String>> stems, Set<String> snomed, boolean current, LocalDate date) {}

  /**
   * A numeric result: LOINC codes, value, unit (a UCUM code, or null when the Observation gives none UCUM knows),
   * the reference range's upper limit in its own unit, the day it was taken (null when not given to the day), and
   * the reading in words ("Platelets 120000 /uL on 2025-05-20").
   */
  public record Measurement(String reference, String name, Set<String> codes, BigDecimal value, String unit,
      String unitText, BigDecimal referenceHigh, String referenceHighUnit, LocalDate date, String reading) {}

  /** What kind of record a finding comes from. */
  public enum Source { CONDITION, PROCEDURE, MEDICATION, TEST }

  /**
   * An eligibility topic a record shows present (or, for a refuted diagnosis or a negative test, absent), with the
   * record's normalised text (to check qualifiers such as "allogeneic"), date, and whether it is current.
   */
  public record Finding(String reference, String topic, boolean present, Source source, String label, String text,
      LocalDate date, boolean current) {}

  private static final Set<String> CURRENT_CLINICAL = Set.of("active", "recurrence", "relapse");
  private static final Set<String> OBSERVATION_USED = Set.of("final", "amended", "corrected");

  private final String patientReference;
  private final String gender;
  private final BirthDate birthDate;
  private final List<PatientCondition> conditions = new ArrayList<>();
  private final List<Measurement> measurements = new ArrayList<>();
  /**
   * The positions in {@link #measurements} of the measurements with each code: every limit of every candidate study
   * looks its analyte up, so this is not a scan of the whole record.
   */
  private final Map<String, BitSet> measurementsByCode = new HashMap<>();
  private final List<Finding> findings = new ArrayList<>();

  private PatientData(String patientReference, String gender, BirthDate birthDate) {
    this.patientReference = patientReference;
    this.gender = gender;
    this.birthDate = birthDate;
  }

  /**
   * Reads a patient's Bundle (any type).
   *
   * @throws InvalidPatientDataException when the Bundle holds no Patient or more than one
   */
  public static PatientData from(Bundle bundle, MatchVocabulary vocabulary) {
    Map<String, Resource> byReference = new HashMap<>();
    List<Patient> patients = new ArrayList<>();
    List<String> patientReferences = new ArrayList<>();
    for (BundleEntryComponent entry : bundle.getEntry()) {
      Resource resource = entry.getResource();
      if (resource == null) {
        continue;
      }
      byReference.put(reference(entry), resource);
      if (entry.hasFullUrl()) {
        byReference.put(entry.getFullUrl(), resource);
      }
      if (resource instanceof Patient patient) {
        patients.add(patient);
        patientReferences.add(reference(entry));
      }
    }
    if (patients.isEmpty()) {
      throw new InvalidPatientDataException("the Bundle holds no Patient: the matcher needs the patient's birth date"
          + " and gender (a Patient entry) besides any Conditions, Observations, Procedures and medications");
    }
    if (patients.size() > 1) {
      throw new InvalidPatientDataException("the Bundle holds " + patients.size() + " Patients ("
          + String.join(", ", patientReferences) + "); send one patient's data per request");
    }
    Patient patient = patients.get(0);
    PatientData data = new PatientData(patientReferences.get(0),
        patient.hasGender() && patient.getGender() != AdministrativeGender.NULL ? patient.getGender().toCode() : null,
        birthDate(patient.getBirthDateElement()));
    PatientReader reader = new PatientReader(data, vocabulary, byReference);
    for (BundleEntryComponent entry : bundle.getEntry()) {
      reader.read(entry.getResource(), reference(entry));
    }
    return data;
  }

  /** "Type/id" of an entry's resource, or its fullUrl when the resource has no id of its own. */
  static String reference(BundleEntryComponent entry) {
    Resource resource = entry.getResource();
    if (resource != null && resource.hasIdElement() && resource.getIdElement().hasIdPart()
        && !resource.getIdElement().getValue().startsWith("urn:")) {
      return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    }
    if (entry.hasFullUrl()) {
      return entry.getFullUrl();
    }
    return resource == null ? "" : resource.fhirType();
  }

  public String patientReference() {
    return patientReference;
  }

  /** Administrative gender code (male, female, other, unknown), or null when not given. */
  public String gender() {
    return gender;
  }

  /** The birth date, or null when not given. */
  public BirthDate birthDate() {
    return birthDate;
  }

  public List<PatientCondition> conditions() {
    return conditions;
  }

  public List<Measurement> measurements() {
    return measurements;
  }

  /** The measurements with one of the codes, each once, in the order of {@link #measurements()}. */
  public List<Measurement> measurements(Set<String> codes) {
    BitSet positions = new BitSet();
    for (String code : codes) {
      BitSet found = measurementsByCode.get(code);
      if (found != null) {
        positions.or(found);
      }
    }
    List<Measurement> found = new ArrayList<>(positions.cardinality());
    positions.stream().forEach(i -> found.add(measurements.get(i)));
    return found;
  }

  private void add(Measurement measurement) {
    for (String code : measurement.codes()) {
      measurementsByCode.computeIfAbsent(code, c -> new BitSet()).set(measurements.size());
    }
    measurements.add(measurement);
  }

  public List<Finding> findings() {
    return findings;
  }

  private static BirthDate birthDate(DateType date) {
    if (date == null || date.getValue() == null) {
      return null;
    }
    int year = date.getYear();
    TemporalPrecisionEnum precision = date.getPrecision();
    if (precision == TemporalPrecisionEnum.YEAR) {
      return new BirthDate(LocalDate.of(year, 1, 1), LocalDate.of(year, 12, 31), date.getValueAsString());
    }
    int month = date.getMonth() + 1;
    if (precision == TemporalPrecisionEnum.MONTH) {
      YearMonth ym = YearMonth.of(year, month);
      return new BirthDate(ym.atDay(1), ym.atEndOfMonth(), date.getValueAsString());
    }
    LocalDate day = LocalDate.of(year, month, date.getDay());
    return new BirthDate(day, day, date.getValueAsString());
  }

  /** The day of a date, dateTime, instant or period (its end, else its start); null when not given to the day. */
  static LocalDate day(Type value) {
    if (value instanceof Period period) {
      return period.hasEnd() ? day(period.getEndElement()) : day(period.getStartElement());
    }
    if (value instanceof BaseDateTimeType dateTime && dateTime.getValue() != null
        && dateTime.getPrecision().ordinal() >= TemporalPrecisionEnum.DAY.ordinal()) {
      // The day as written, in the record's own time zone.
      return LocalDate.parse(dateTime.getValueAsString().substring(0, 10));
    }
    return null;
  }

  /** Reads the clinical resources of a Bundle into a PatientData. */
  private static final class PatientReader {
    private final PatientData data;
    private final MatchVocabulary vocabulary;
    private final Map<String, Resource> byReference;

    PatientReader(PatientData data, MatchVocabulary vocabulary, Map<String, Resource> byReference) {
      this.data = data;
      this.vocabulary = vocabulary;
      this.byReference = byReference;
    }

    void read(Resource resource, String reference) {
      if (resource instanceof Condition condition) {
        condition(condition, reference);
      } else if (resource instanceof Observation observation) {
        observation(observation, reference);
      } else if (resource instanceof Procedure procedure) {
        String status = procedure.hasStatus() ? procedure.getStatus().toCode() : "";
        if (!status.equals("entered-in-error") && !status.equals("not-done")) {
          topics(procedure.getCode(), reference, Source.PROCEDURE, day(procedure.getPerformed()), true);
        }
      } else if (resource instanceof MedicationStatement statement) {
        String status = statement.hasStatus() ? statement.getStatus().toCode() : "";
        if (!status.equals("entered-in-error") && !status.equals("not-taken") && !status.equals("intended")) {
          LocalDate date = day(statement.getEffective());
          topics(medication(statement.getMedication(), statement), reference, Source.MEDICATION,
              date != null ? date : day(statement.getDateAssertedElement()), status.equals("active"));
        }
      } else if (resource instanceof MedicationRequest request) {
        String status = request.hasStatus() ? request.getStatus().toCode() : "";
        if (status.equals("active") || status.equals("completed") || status.equals("on-hold")) {
          topics(medication(request.getMedication(), request), reference, Source.MEDICATION,
              day(request.getAuthoredOnElement()), status.equals("active"));
        }
      }
    }

    private void condition(Condition condition, String reference) {
      String verification = code(condition.getVerificationStatus());
      if (verification.equals("entered-in-error")) {
        return;
      }
      String clinical = code(condition.getClinicalStatus());
      boolean current = clinical.isEmpty() || CURRENT_CLINICAL.contains(clinical);
      LocalDate date = day(condition.getOnset());
      if (date == null) {
        date = day(condition.getRecordedDateElement());
      }
      CodeableConcept code = condition.getCode();
      boolean refuted = verification.equals("refuted");
      if (!refuted) {
        Set<String> snomed = new LinkedHashSet<>();
        for (Coding coding : code.getCoding()) {
          if (MatchVocabulary.SNOMED.equals(coding.getSystem()) && coding.hasCode()) {
            snomed.add(coding.getCode());
          } else if (MatchVocabulary.ICD10CM.equals(coding.getSystem())) {
            vocabulary.snomedOfIcd10(coding.getCode()).ifPresent(snomed::add);
          }
        }
        List<String> names = ConditionNames.names(code);
        for (String name : names) {
          vocabulary.snomedOfName(name).ifPresent(snomed::add);
        }
        List<Set<String>> stems = names.stream().map(ConditionNames::stems).toList();
        data.conditions.add(new PatientCondition(reference, label(code), List.copyOf(code.getCoding()), names,
            stems, snomed, current, date));
      }
      for (MatchVocabulary.TopicTarget target : topics(code)) {
        data.findings.add(new Finding(reference, target.topic(), !refuted, Source.CONDITION, label(code),
            text(code), date, current));
      }
    }

    private void observation(Observation observation, String reference) {
      if (!observation.hasStatus() || !OBSERVATION_USED.contains(observation.getStatus().toCode())) {
        return;
      }
      LocalDate date = day(observation.getEffective());
      if (date == null) {
        date = day(observation.getIssuedElement());
      }
      CodeableConcept code = observation.getCode();
      Set<String> loinc = new LinkedHashSet<>();
      for (Coding coding : code.getCoding()) {
        if (MatchVocabulary.LOINC.equals(coding.getSystem()) && coding.hasCode()) {
          loinc.add(coding.getCode());
        }
      }
      Type value = observation.getValue();
      if (value instanceof Quantity quantity && quantity.hasValue()) {
        measurement(observation, reference, loinc, quantity.getValue(), quantity, date);
      } else if (value instanceof IntegerType integer && integer.getValue() != null) {
        measurement(observation, reference, loinc, BigDecimal.valueOf(integer.getValue()), null, date);
      }
      Boolean positive = positive(observation);
      if (positive == null) {
        return;
      }
      for (String c : loinc) {
        for (MatchVocabulary.TopicTarget target : vocabulary.topicsOfCode(MatchVocabulary.LOINC, c)) {
          if (positive ? target.presence() : target.absence()) {
            data.findings.add(new Finding(reference, target.topic(), positive, Source.TEST,
                label(code) + ": " + (positive ? "positive" : "negative"), text(code), date, true));
          }
        }
      }
    }

    private void measurement(Observation observation, String reference, Set<String> loinc, BigDecimal value,
        Quantity quantity, LocalDate date) {
      String unit = quantity == null ? null : ucum(quantity);
      String unitText = quantity == null ? null : quantity.hasUnit() ? quantity.getUnit() : quantity.getCode();
      BigDecimal high = null;
      String highUnit = null;
      for (Observation.ObservationReferenceRangeComponent range : observation.getReferenceRange()) {
        if (range.hasHigh() && range.getHigh().hasValue()) {
          high = range.getHigh().getValue();
          highUnit = ucum(range.getHigh());
          break;
        }
      }
      String name = label(observation.getCode());
      String reading = name + " " + Limit.plain(value) + (unitText == null ? "" : " " + unitText) + " on " + date;
      data.add(new Measurement(reference, name, loinc, value, unit, unitText, high,
          highUnit != null ? highUnit : unit, date, reading));
    }

    /** The UCUM code of a quantity: its code when the system is UCUM, else a unit string UCUM accepts as it is. */
    private String ucum(Quantity quantity) {
      if (quantity.hasCode() && (!quantity.hasSystem() || MatchVocabulary.UCUM.equals(quantity.getSystem()))) {
        return quantity.getCode();
      }
      return null;
    }

    /** Positive or negative from the value, else from the interpretation; null when neither says. */
    private Boolean positive(Observation observation) {
      Type value = observation.getValue();
      if (value instanceof CodeableConcept concept) {
        for (Coding coding : concept.getCoding()) {
          var positive = vocabulary.positive(coding.getSystem(), coding.getCode());
          if (positive.isPresent()) {
            return positive.get();
          }
        }
        if (concept.hasText()) {
          var positive = vocabulary.positive(concept.getText());
          if (positive.isPresent()) {
            return positive.get();
          }
        }
      } else if (value instanceof StringType string) {
        var positive = vocabulary.positive(string.getValue());
        if (positive.isPresent()) {
          return positive.get();
        }
      }
      for (CodeableConcept interpretation : observation.getInterpretation()) {
        for (Coding coding : interpretation.getCoding()) {
          var positive = vocabulary.positive(coding.getSystem(), coding.getCode());
          if (positive.isPresent()) {
            return positive.get();
          }
        }
      }
      return null;
    }

    private void topics(CodeableConcept code, String reference, Source source, LocalDate date, boolean current) {
      for (MatchVocabulary.TopicTarget target : topics(code)) {
        data.findings.add(new Finding(reference, target.topic(), true, source, label(code), text(code), date,
            current));
      }
    }

    /** The topics a concept shows: by its codings, then by phrases in its text and displays. */
    private List<MatchVocabulary.TopicTarget> topics(CodeableConcept code) {
      Map<String, MatchVocabulary.TopicTarget> found = new LinkedHashMap<>();
      for (Coding coding : code.getCoding()) {
        for (MatchVocabulary.TopicTarget target : vocabulary.topicsOfCode(coding.getSystem(), coding.getCode())) {
          if (target.presence()) {
            found.putIfAbsent(target.topic(), target);
          }
        }
      }
      for (MatchVocabulary.PhraseAt at : vocabulary.topicPhrases(text(code))) {
        vocabulary.topicsOfPhrase(at.phrase()).forEach(t -> found.putIfAbsent(t.topic(), t));
      }
      return List.copyOf(found.values());
    }

    /** The medication's concept: inline, or the Medication resource referenced (contained or in the Bundle). */
    private CodeableConcept medication(Type medication, DomainResource owner) {
      if (medication instanceof CodeableConcept concept) {
        return concept;
      }
      if (medication instanceof Reference reference && reference.hasReference()) {
        String target = reference.getReference();
        Resource resolved = target.startsWith("#")
            ? owner.getContained().stream().filter(r -> target.substring(1).equals(r.getIdElement().getIdPart()))
                .findFirst().orElse(null)
            : byReference.get(target);
        if (resolved instanceof Medication med) {
          return med.getCode();
        }
        return new CodeableConcept().setText(reference.getDisplay());
      }
      return new CodeableConcept();
    }

    private static String code(CodeableConcept concept) {
      for (Coding coding : concept.getCoding()) {
        if (coding.hasCode()) {
          return coding.getCode();
        }
      }
      return "";
    }
  }

  /** The normalised text of a concept: its text and every coding's display. */
  static String text(CodeableConcept concept) {
    StringBuilder text = new StringBuilder(MatchText.normalize(concept.getText()));
    for (Coding coding : concept.getCoding()) {
      if (coding.hasDisplay()) {
        text.append(' ').append(MatchText.normalize(coding.getDisplay()));
      }
    }
    return text.toString().strip();
  }

  /** A concept as a person would name it: its text, else its first display, else its first code. */
  static String label(CodeableConcept concept) {
    if (concept.hasText()) {
      return concept.getText();
    }
    for (Coding coding : concept.getCoding()) {
      if (coding.hasDisplay()) {
        return coding.getDisplay();
      }
    }
    Coding first = concept.getCodingFirstRep();
    return first.hasCode() ? first.getSystem() + "|" + first.getCode() : "(no code)";
  }
}
