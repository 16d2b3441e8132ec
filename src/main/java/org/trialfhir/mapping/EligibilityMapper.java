package org.trialfhir.mapping;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Group.GroupCharacteristicComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Quantity.QuantityComparator;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.trialfhir.source.Diagnostic;
import org.trialfhir.source.Diagnostic.Severity;
import org.trialfhir.source.TrialRecord;
import org.trialfhir.source.TrialRecord.AgeLimit;
import org.trialfhir.source.TrialRecord.Criterion;
import org.trialfhir.source.TrialRecord.Eligibility;

/**
 * Maps a record's eligibility to a FHIR R4 Group ({@code actual = false}) a matcher can compute with: age as a
 * UCUM Range, sex from administrative-gender, healthy volunteers, every inclusion and exclusion criterion with
 * its full text, and after each criterion the limits {@link ThresholdExtractor} reads from it (LOINC analyte,
 * comparator, UCUM quantity, ULN-relative and conditional limits marked). Vocabulary comes from the ConceptMaps
 * analyte-loinc, unit-ucum and ctgov-sex; what they cannot map becomes a diagnostic and stays as text.
 */
public final class EligibilityMapper {
  static final String BASE = "https://trialfhir.org/fhir";
  public static final String PROFILE = BASE + "/StructureDefinition/trial-eligibility-group";
  public static final String CHARACTERISTIC_SYSTEM = BASE + "/CodeSystem/eligibility-characteristic";
  public static final String SOURCE_CRITERION = BASE + "/StructureDefinition/source-criterion";
  public static final String CRITERION_LABEL = BASE + "/StructureDefinition/criterion-label";
  public static final String RELATIVE_TO_NORMAL = BASE + "/StructureDefinition/relative-to-normal";
  public static final String THRESHOLD_CONDITION = BASE + "/StructureDefinition/threshold-condition";
  static final String UCUM = "http://unitsofmeasure.org";
  static final String ANALYTES = "analyte-loinc";
  static final String UNITS = "unit-ucum";
  static final String SEX = "ctgov-sex";
  private static final String SECTION = "Eligibility";
  /** The unit-ucum source code of a score written without a unit ("ECOG 0-2", "Karnofsky ≥60"). */
  private static final String SCORE = "{score}";
  private static final Pattern SCORE_DISPLAY = Pattern.compile("\\bscore\\b", Pattern.CASE_INSENSITIVE);
  /** UCUM codes of time: an age stated in any other unit is not an age limit. */
  private static final Set<String> TIME_CODES = Set.of("a", "mo", "wk", "d", "h", "min");

  private final ConceptMaps maps;
  private final ThresholdExtractor extractor;

  public EligibilityMapper(ConceptMaps maps) {
    this.maps = maps;
    this.extractor = ThresholdExtractor.from(maps);
  }

  /** The eligibility Group of one record; what could not be mapped is added to {@code diagnostics}. */
  public Group map(TrialRecord record, List<Diagnostic> diagnostics) {
    String nct = record.registryId();
    Group group = new Group();
    group.setId(ResourceIds.eligibility(nct));
    group.getMeta().addProfile(PROFILE);
    group.setType(Group.GroupType.PERSON);
    group.setActual(false);
    group.setName("Eligibility criteria of " + nct);
    Eligibility eligibility = record.eligibility();
    if (eligibility == null) {
      diagnostics.add(new Diagnostic(Severity.WARNING, SECTION, 0, nct, "the record states no eligibility"));
      return group;
    }
    List<Characteristic> criteria = new ArrayList<>();
    flatten(eligibility.inclusion(), "inc", "", false, criteria);
    flatten(eligibility.exclusion(), "exc", "", true, criteria);
    age(group, eligibility, criteria, diagnostics);
    sex(group, eligibility.sex(), diagnostics);
    if (eligibility.healthyVolunteers() != null) {
      GroupCharacteristicComponent volunteers = group.addCharacteristic();
      volunteers.setId("healthy-volunteers");
      volunteers.setCode(new CodeableConcept(
          new Coding(CHARACTERISTIC_SYSTEM, "healthy-volunteers", "Accepts healthy volunteers")));
      volunteers.setValue(new BooleanType(eligibility.healthyVolunteers()));
      volunteers.setExclude(false);
    }
    for (Characteristic criterion : criteria) {
      group.addCharacteristic(criterion(criterion));
      int n = 0;
      for (Threshold threshold : criterion.reading().thresholds()) {
        if (ThresholdExtractor.AGE.equals(threshold.analyte())) {
          // ages feed the one Age characteristic; an exclusion's age is an upper or lower bound in disguise
          if (criterion.exclude()) {
            diagnostics.add(new Diagnostic(Severity.INFO, SECTION, 0, threshold.text(), "exclusion criterion "
                + criterion.id() + " states an age; not used for the Age characteristic, kept as text"));
          }
          continue;
        }
        GroupCharacteristicComponent limit = threshold(criterion, threshold, diagnostics);
        if (limit != null) {
          limit.setId(criterion.id() + "-t" + ++n);
          group.addCharacteristic(limit);
        }
      }
      unattributed(criterion, diagnostics);
    }
    return group;
  }

  /** One criterion with its element id ({@code inc-4.8.1}) and what the extractor read from its text. */
  private record Characteristic(String id, Criterion criterion, boolean exclude, ThresholdExtractor.Reading reading) {}

  private void flatten(List<Criterion> criteria, String prefix, String parentPath, boolean exclude,
      List<Characteristic> into) {
    for (int i = 0; i < criteria.size(); i++) {
      Criterion criterion = criteria.get(i);
      String path = parentPath.isEmpty() ? String.valueOf(i + 1) : parentPath + "." + (i + 1);
      into.add(new Characteristic(prefix + "-" + path, criterion, exclude, extractor.read(criterion.text())));
      flatten(criterion.children(), prefix, path, exclude, into);
    }
  }

  // ---- age, sex ------------------------------------------------------------------------------------------

  /** Age from the structured limits; from the first inclusion criterion that states one only when neither is. */
  private void age(Group group, Eligibility eligibility, List<Characteristic> criteria,
      List<Diagnostic> diagnostics) {
    Range range = new Range();
    String source = null;
    if (eligibility.minimumAge() != null || eligibility.maximumAge() != null) {
      range.setLow(structuredAge(eligibility.minimumAge(), diagnostics));
      range.setHigh(structuredAge(eligibility.maximumAge(), diagnostics));
    } else {
      for (Characteristic criterion : criteria) {
        if (criterion.exclude()) {
          continue;
        }
        Range stated = textAge(criterion, diagnostics);
        if (stated == null) {
          continue;
        }
        if (source == null) {
          range = stated;
          source = criterion.id();
          diagnostics.add(new Diagnostic(Severity.INFO, SECTION, 0, criterion.criterion().text(),
              "no structured age limit; age taken from criterion " + source));
        } else if (!sameRange(range, stated)) {
          diagnostics.add(new Diagnostic(Severity.WARNING, SECTION, 0, criterion.criterion().text(),
              "criterion " + criterion.id() + " states another age than criterion " + source
                  + ", which the Age characteristic keeps"));
        }
      }
    }
    if (!range.hasLow() && !range.hasHigh()) {
      return;
    }
    GroupCharacteristicComponent age = group.addCharacteristic();
    age.setId("age");
    CodeableConcept code = new CodeableConcept();
    maps.translate(ANALYTES, ThresholdExtractor.AGE).ifPresentOrElse(code::addCoding, () -> diagnostics.add(
        new Diagnostic(Severity.WARNING, SECTION, 0, "age", "analyte-loinc has no code for age; kept as text")));
    age.setCode(code.setText("Age"));
    age.setValue(range);
    age.setExclude(false);
    if (source != null) {
      age.addExtension(SOURCE_CRITERION, new StringType(source));
    }
  }

  private Quantity structuredAge(AgeLimit limit, List<Diagnostic> diagnostics) {
    if (limit == null) {
      return null;
    }
    Optional<Coding> unit = maps.translate(UNITS, limit.unit());
    if (unit.isEmpty() || !TIME_CODES.contains(unit.get().getCode())) {
      diagnostics.add(new Diagnostic(Severity.WARNING, SECTION, 0, limit.value() + " " + limit.unit(),
          "no UCUM time unit for the age unit " + limit.unit() + "; this age limit is left out"));
      return null;
    }
    return ageQuantity(BigDecimal.valueOf(limit.value()), unit.get());
  }

  private Range textAge(Characteristic criterion, List<Diagnostic> diagnostics) {
    Range range = null;
    for (Threshold threshold : criterion.reading().thresholds()) {
      if (!ThresholdExtractor.AGE.equals(threshold.analyte())) {
        continue;
      }
      Optional<Coding> unit = threshold.unit() == null ? Optional.empty() : ucum(threshold);
      if (unit.isEmpty() || !TIME_CODES.contains(unit.get().getCode())) {
        diagnostics.add(new Diagnostic(Severity.WARNING, SECTION, 0, threshold.text(), "criterion "
            + criterion.id() + " states an age without a time unit UCUM knows; not used as an age limit"));
        continue;
      }
      if (!threshold.isRange() && !threshold.comparator().inclusive()) {
        diagnostics.add(new Diagnostic(Severity.WARNING, SECTION, 0, threshold.text(), "criterion "
            + criterion.id() + " states a strict age limit, which an inclusive Range cannot hold; not used"));
        continue;
      }
      Range stated = range == null ? new Range() : range;
      Quantity value = ageQuantity(threshold.value(), unit.get());
      if (threshold.isRange()) {
        stated.setLow(value).setHigh(ageQuantity(threshold.high(), unit.get()));
      } else if (threshold.comparator() == Threshold.Comparator.AT_LEAST) {
        stated.setLow(value);
      } else {
        stated.setHigh(value);
      }
      range = stated;
    }
    return range;
  }

  private static Quantity ageQuantity(BigDecimal value, Coding unit) {
    Quantity quantity = new Quantity();
    quantity.setValue(value);
    quantity.setUnit(unit.getCode()).setSystem(UCUM).setCode(unit.getCode());
    return quantity;
  }

  private static boolean sameRange(Range a, Range b) {
    return sameQuantity(a.hasLow() ? a.getLow() : null, b.hasLow() ? b.getLow() : null)
        && sameQuantity(a.hasHigh() ? a.getHigh() : null, b.hasHigh() ? b.getHigh() : null);
  }

  private static boolean sameQuantity(Quantity a, Quantity b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.getValue().compareTo(b.getValue()) == 0 && Objects.equals(a.getCode(), b.getCode());
  }

  /** Sex only when the registry restricts it (CT.gov sex FEMALE or MALE; ALL means no characteristic). */
  private void sex(Group group, String sex, List<Diagnostic> diagnostics) {
    if (sex == null || sex.equalsIgnoreCase("ALL")) {
      return;
    }
    Optional<Coding> gender = maps.translate(SEX, sex);
    if (gender.isEmpty()) {
      diagnostics.add(new Diagnostic(Severity.WARNING, SECTION, 0, sex,
          "ctgov-sex has no administrative-gender code for this sex; no sex characteristic"));
      return;
    }
    GroupCharacteristicComponent characteristic = group.addCharacteristic();
    characteristic.setId("sex");
    CodeableConcept code = new CodeableConcept();
    maps.translate(ANALYTES, "sex").ifPresent(code::addCoding);
    characteristic.setCode(code.setText("Sex"));
    characteristic.setValue(new CodeableConcept(gender.get()));
    characteristic.setExclude(false);
  }

  // ---- criteria and their thresholds ---------------------------------------------------------------------

  private static GroupCharacteristicComponent criterion(Characteristic c) {
    String kind = c.exclude() ? "Exclusion criterion" : "Inclusion criterion";
    String label = c.criterion().label();
    GroupCharacteristicComponent characteristic = new GroupCharacteristicComponent();
    characteristic.setId(c.id());
    characteristic.setCode(new CodeableConcept(new Coding(CHARACTERISTIC_SYSTEM,
        c.exclude() ? "exclusion-criterion" : "inclusion-criterion", kind))
        .setText(label == null ? kind : kind + " " + label));
    characteristic.setValue(new CodeableConcept().setText(c.criterion().text()));
    characteristic.setExclude(c.exclude());
    if (label != null) {
      characteristic.addExtension(CRITERION_LABEL, new StringType(label));
    }
    return characteristic;
  }

  private GroupCharacteristicComponent threshold(Characteristic criterion, Threshold threshold,
      List<Diagnostic> diagnostics) {
    Optional<Coding> analyte = maps.translate(ANALYTES, threshold.analyte());
    Optional<Coding> unit = threshold.unit() != null ? ucum(threshold)
        : analyte.filter(EligibilityMapper::isScore).map(score -> scoreUnit());
    if (unit.isEmpty()) {
      diagnostics.add(new Diagnostic(Severity.WARNING, SECTION, 0, threshold.text(), "criterion "
          + criterion.id() + ": " + (threshold.unit() == null ? "no unit written and " + threshold.analyteText()
              + " is no score" : "unit \"" + threshold.unit() + "\" has no UCUM code in unit-ucum")
          + "; the " + threshold.analyteText() + " limit is left out (the criterion text keeps it)"));
      return null;
    }
    GroupCharacteristicComponent characteristic = new GroupCharacteristicComponent();
    CodeableConcept code = new CodeableConcept();
    analyte.ifPresentOrElse(code::addCoding, () -> diagnostics.add(new Diagnostic(Severity.INFO, SECTION, 0,
        threshold.analyteText(), "criterion " + criterion.id() + ": analyte-loinc maps \"" + threshold.analyte()
            + "\" to no code; the limit is kept with the analyte as text")));
    characteristic.setCode(code.setText(threshold.analyteText()));
    characteristic.setValue(value(threshold, unit.get()));
    characteristic.setExclude(criterion.exclude());
    characteristic.addExtension(SOURCE_CRITERION, new StringType(criterion.id()));
    if (threshold.relativeToUpperNormal()) {
      characteristic.addExtension(RELATIVE_TO_NORMAL, new CodeType("upper"));
    }
    if (threshold.condition() != null) {
      characteristic.addExtension(THRESHOLD_CONDITION, new StringType(threshold.condition()));
    }
    return characteristic;
  }

  /** A score ("ECOG Performance Status score") is the one analyte whose limit needs no unit written. */
  private static boolean isScore(Coding analyte) {
    return analyte.hasDisplay() && SCORE_DISPLAY.matcher(analyte.getDisplay()).find();
  }

  /** UCUM for a score: the unit map's, or the UCUM annotation {score} when the map has none. */
  private Coding scoreUnit() {
    return maps.translate(UNITS, SCORE).orElseGet(() -> new Coding(UCUM, SCORE, "score"));
  }

  /**
   * A range ("0-2") or a score's inclusive bound ("ECOG ≤ 1": Range high 1) as valueRange; any other limit as a
   * valueQuantity with its comparator.
   */
  private static Type value(Threshold threshold, Coding unit) {
    if (threshold.isRange()) {
      return new Range().setLow(quantity(threshold.value(), threshold.unit(), unit))
          .setHigh(quantity(threshold.high(), threshold.unit(), unit));
    }
    if (threshold.unit() == null && threshold.comparator().inclusive()) {
      Quantity bound = quantity(threshold.value(), null, unit);
      return threshold.comparator() == Threshold.Comparator.AT_LEAST ? new Range().setLow(bound)
          : new Range().setHigh(bound);
    }
    Quantity quantity = quantity(threshold.value(), threshold.unit(), unit);
    quantity.setComparator(QuantityComparator.fromCode(threshold.comparator().code()));
    return quantity;
  }

  /** A quantity with the unit as written; a score, written without one, is labelled with the UCUM display. */
  private static Quantity quantity(BigDecimal value, String written, Coding unit) {
    Quantity quantity = new Quantity();
    quantity.setValue(value);
    quantity.setUnit(written != null ? written : unit.getDisplay());
    return quantity.setSystem(unit.hasSystem() ? unit.getSystem() : UCUM).setCode(unit.getCode());
  }

  private Optional<Coding> ucum(Threshold threshold) {
    Optional<Coding> unit = threshold.unitKey() == null ? Optional.empty()
        : maps.translate(UNITS, threshold.unitKey());
    return unit.isPresent() ? unit : maps.translate(UNITS, threshold.unit());
  }

  /**
   * A measurement limit whose analyte no phrase of analyte-loinc names ("Centrocyte count ≥1×10^9/L"): say so, so
   * the map can grow. Counts and grades without a unit ("NYHA class ≥3"), durations ("at least 4 weeks") and
   * units the unit map does not know either (drug doses such as "mg/day") are not reported.
   */
  private void unattributed(Characteristic criterion, List<Diagnostic> diagnostics) {
    for (Threshold limit : criterion.reading().unattributed()) {
      Optional<Coding> unit = limit.unit() == null ? Optional.empty() : ucum(limit);
      if (unit.isEmpty() || TIME_CODES.contains(unit.get().getCode())) {
        continue;
      }
      diagnostics.add(new Diagnostic(Severity.INFO, SECTION, 0, limit.text(), "criterion " + criterion.id()
          + ": a limit whose analyte analyte-loinc does not know; kept as text only"));
    }
  }
}
