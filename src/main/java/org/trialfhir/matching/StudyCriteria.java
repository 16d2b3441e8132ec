package org.trialfhir.matching;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Group.GroupCharacteristicComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

/**
 * A study's eligibility read once for every patient to come: the conditions a patient must have one of (names as
 * required word stems, SNOMED CT codes), the age range and sex of the eligibility Group, and its criteria with their
 * limits and topics (the headings among them also deepest first, with the positions of their sub-criteria: the order
 * their statuses are derived in). Built from the ResearchStudy and the Group {@code ResearchStudy.enrollment} points
 * to, as EligibilityMapper writes it: characteristics {@code age}, {@code sex}, {@code inc-N}/{@code exc-N}, and limits
 * {@code <criterion>-tN} carrying a source-criterion extension. Parts equal to another study's are shared
 * ({@link Interner}). For grading, the criteria that patient data may decide (computable, not headings) are also
 * listed apart, and the others counted: they are unknown for every patient.
 */
record StudyCriteria(
    String id,
    Conditions conditions,
    AgeRange age,
    String sex,
    List<Criterion> criteria,
    List<Heading> headingsDeepestFirst,
    List<Criterion> decidable,
    int undecidable) {

  /** The study's conditions: labels as written, names as required word stems, SNOMED CT codes. */
  record Conditions(List<String> labels, List<Set<String>> forms, Set<String> snomed) {}

  /** The Group's age range: bounds in a UCUM time unit (a, mo, wk, d), inclusive, either may be absent. */
  record AgeRange(BigDecimal low, String lowUnit, BigDecimal high, String highUnit) {}

  /** A heading criterion's position in {@link #criteria} and those of its sub-criteria. */
  record Heading(int position, List<Integer> children) {}

  /**
   * What grading needs of a study besides its decidable criteria: its conditions, age range and sex, and how many of
   * its criteria no patient data can decide. Many studies share one.
   */
  record Core(Conditions conditions, AgeRange age, String sex, int undecidable) {}

  Core core() {
    return new Core(conditions, age, sex, undecidable);
  }

  List<String> conditionLabels() {
    return conditions.labels();
  }

  List<Set<String>> conditionForms() {
    return conditions.forms();
  }

  Set<String> conditionSnomed() {
    return conditions.snomed();
  }

  private static final String SOURCE_CRITERION = "https://trialfhir.org/fhir/StructureDefinition/source-criterion";
  private static final String RELATIVE_TO_NORMAL = "https://trialfhir.org/fhir/StructureDefinition/relative-to-normal";
  private static final String THRESHOLD_CONDITION =
      "https://trialfhir.org/fhir/StructureDefinition/threshold-condition";
  private static final String CHARACTERISTIC_SYSTEM = "https://trialfhir.org/fhir/CodeSystem/eligibility-characteristic";

  /** Reads a study and its eligibility Group (null when the study has none), sharing parts through the interner. */
  static StudyCriteria of(ResearchStudy study, Group group, MatchVocabulary vocabulary, Interner interner) {
    List<String> labels = new ArrayList<>();
    List<Set<String>> forms = new ArrayList<>();
    Set<String> snomed = new LinkedHashSet<>();
    for (CodeableConcept condition : study.getCondition()) {
      labels.add(PatientData.label(condition));
      for (Set<String> form : ConditionNames.requiredForms(condition)) {
        if (!forms.contains(form)) {
          forms.add(form);
        }
      }
      for (Coding coding : condition.getCoding()) {
        if (MatchVocabulary.SNOMED.equals(coding.getSystem()) && coding.hasCode()) {
          snomed.add(coding.getCode());
        }
      }
      for (String name : ConditionNames.names(condition)) {
        vocabulary.snomedOfName(name).ifPresent(snomed::add);
      }
    }
    AgeRange age = null;
    String sex = null;
    Map<String, GroupCharacteristicComponent> criteria = new LinkedHashMap<>();
    Map<String, List<Limit>> limits = new LinkedHashMap<>();
    if (group != null) {
      for (GroupCharacteristicComponent c : group.getCharacteristic()) {
        String id = c.getId();
        if ("age".equals(id) && c.getValue() instanceof Range range) {
          age = interner.intern(new AgeRange(value(range.getLow()), unit(range.getLow()), value(range.getHigh()),
              unit(range.getHigh())));
        } else if ("sex".equals(id) && c.getValue() instanceof CodeableConcept concept) {
          sex = interner.intern(concept.getCodingFirstRep().getCode());
        } else if (isCriterion(c)) {
          criteria.put(id, c);
        } else if (c.hasExtension(SOURCE_CRITERION)) {
          String source = ((StringType) c.getExtensionByUrl(SOURCE_CRITERION).getValue()).getValue();
          limits.computeIfAbsent(source, s -> new ArrayList<>()).add(limit(c, vocabulary, interner));
        }
      }
    }
    CriterionReader reader = new CriterionReader(vocabulary, interner);
    List<Criterion> read = new ArrayList<>();
    List<String> ids = List.copyOf(criteria.keySet());
    List<Heading> headings = new ArrayList<>();
    for (GroupCharacteristicComponent c : criteria.values()) {
      String id = c.getId();
      String text = c.getValue() instanceof CodeableConcept concept ? concept.getText() : null;
      List<String> children = ids.stream()
          .filter(other -> other.startsWith(id + ".") && other.indexOf('.', id.length() + 1) < 0).toList();
      boolean header = !children.isEmpty() && text != null && text.strip().matches("(?s).*[:：]$");
      if (header) {
        headings.add(new Heading(read.size(), children.stream().map(ids::indexOf).toList()));
      }
      read.add(reader.read(id, text, c.getExclude(), limits.getOrDefault(id, List.of()),
          header ? children : List.of()));
    }
    // Deepest first, so that nested headings see their sub-headings' statuses.
    headings.sort((a, b) -> Integer.compare(depth(read.get(b.position())), depth(read.get(a.position()))));
    Conditions conditions = interner.intern(new Conditions(List.copyOf(labels), List.copyOf(forms),
        Set.copyOf(snomed)));
    List<Criterion> decidable = read.stream().filter(c -> !c.isHeader() && c.computable()).toList();
    int undecidable = (int) read.stream().filter(c -> !c.isHeader() && !c.computable()).count();
    return new StudyCriteria(study.getIdElement().getIdPart(), conditions, age, sex, List.copyOf(read),
        List.copyOf(headings), decidable, undecidable);
  }

  private static int depth(Criterion criterion) {
    return criterion.id().split("\\.").length;
  }

  private static boolean isCriterion(GroupCharacteristicComponent c) {
    for (Coding coding : c.getCode().getCoding()) {
      if (CHARACTERISTIC_SYSTEM.equals(coding.getSystem())
          && ("inclusion-criterion".equals(coding.getCode()) || "exclusion-criterion".equals(coding.getCode()))) {
        return true;
      }
    }
    return false;
  }

  private static Limit limit(GroupCharacteristicComponent c, MatchVocabulary vocabulary, Interner interner) {
    String loinc = null;
    for (Coding coding : c.getCode().getCoding()) {
      if (MatchVocabulary.LOINC.equals(coding.getSystem())) {
        loinc = coding.getCode();
      }
    }
    Extension condition = c.getExtensionByUrl(THRESHOLD_CONDITION);
    String conditionText = condition == null ? null : condition.getValue().primitiveValue();
    boolean uln = c.hasExtension(RELATIVE_TO_NORMAL);
    String analyte = c.getCode().getText();
    Type value = c.getValue();
    Threshold threshold;
    if (value instanceof Range range) {
      Quantity q = range.hasLow() ? range.getLow() : range.getHigh();
      threshold = Threshold.of(analyte, loinc, value(range.getLow()), true, value(range.getHigh()), true, q.getCode(),
          q.getUnit(), uln, c.getExclude(), vocabulary);
    } else {
      Quantity q = (Quantity) value;
      BigDecimal v = q.getValue();
      String comparator = q.hasComparator() ? q.getComparator().toCode() : "=";
      threshold = switch (comparator) {
        case ">=" -> Threshold.of(analyte, loinc, v, true, null, false, q.getCode(), q.getUnit(), uln, c.getExclude(),
            vocabulary);
        case ">" -> Threshold.of(analyte, loinc, v, false, null, false, q.getCode(), q.getUnit(), uln, c.getExclude(),
            vocabulary);
        case "<=" -> Threshold.of(analyte, loinc, null, false, v, true, q.getCode(), q.getUnit(), uln, c.getExclude(),
            vocabulary);
        case "<" -> Threshold.of(analyte, loinc, null, false, v, false, q.getCode(), q.getUnit(), uln, c.getExclude(),
            vocabulary);
        default -> Threshold.of(analyte, loinc, v, true, v, true, q.getCode(), q.getUnit(), uln, c.getExclude(),
            vocabulary);
      };
    }
    Applicability.Terms terms = conditionText == null ? null : interner.intern(Applicability.terms(conditionText));
    return interner.intern(new Limit(c.getId(), interner.intern(threshold), conditionText, terms));
  }

  private static BigDecimal value(Quantity quantity) {
    return quantity == null || !quantity.hasValue() ? null : quantity.getValue();
  }

  private static String unit(Quantity quantity) {
    return quantity == null || !quantity.hasValue() ? null : quantity.getCode();
  }
}
