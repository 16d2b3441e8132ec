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
 * limits and topics (the headings among them also deepest first, the order their statuses are derived in). Built from the ResearchStudy and the Group {@code ResearchStudy.enrollment} points to, as
 * EligibilityMapper writes it: characteristics {@code age}, {@code sex}, {@code inc-N}/{@code exc-N}, and limits
 * {@code <criterion>-tN} carrying a source-criterion extension.
 */
record StudyCriteria(
    String id,
    List<String> conditionLabels,
    List<Set<String>> conditionForms,
    Set<String> conditionSnomed,
    AgeRange age,
    String sex,
    List<Criterion> criteria,
    List<Criterion> headersDeepestFirst) {

  /** The Group's age range: bounds in a UCUM time unit (a, mo, wk, d), inclusive, either may be absent. */
  record AgeRange(BigDecimal low, String lowUnit, BigDecimal high, String highUnit) {}

  private static final String SOURCE_CRITERION = "https://trialfhir.org/fhir/StructureDefinition/source-criterion";
  private static final String RELATIVE_TO_NORMAL = "https://trialfhir.org/fhir/StructureDefinition/relative-to-normal";
  private static final String THRESHOLD_CONDITION =
      "https://trialfhir.org/fhir/StructureDefinition/threshold-condition";
  private static final String CHARACTERISTIC_SYSTEM = "https://trialfhir.org/fhir/CodeSystem/eligibility-characteristic";

  /** Reads a study and its eligibility Group (null when the study has none). */
  static StudyCriteria of(ResearchStudy study, Group group, MatchVocabulary vocabulary) {
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
          age = new AgeRange(value(range.getLow()), unit(range.getLow()), value(range.getHigh()), unit(range.getHigh()));
        } else if ("sex".equals(id) && c.getValue() instanceof CodeableConcept concept) {
          sex = concept.getCodingFirstRep().getCode();
        } else if (isCriterion(c)) {
          criteria.put(id, c);
        } else if (c.hasExtension(SOURCE_CRITERION)) {
          String source = ((StringType) c.getExtensionByUrl(SOURCE_CRITERION).getValue()).getValue();
          limits.computeIfAbsent(source, s -> new ArrayList<>()).add(limit(c, vocabulary));
        }
      }
    }
    CriterionReader reader = new CriterionReader(vocabulary);
    List<Criterion> read = new ArrayList<>();
    for (GroupCharacteristicComponent c : criteria.values()) {
      String id = c.getId();
      String text = c.getValue() instanceof CodeableConcept concept ? concept.getText() : null;
      List<String> children = criteria.keySet().stream()
          .filter(other -> other.startsWith(id + ".") && other.indexOf('.', id.length() + 1) < 0).toList();
      boolean header = !children.isEmpty() && text != null && text.strip().matches("(?s).*[:：]$");
      read.add(reader.read(id, text, c.getExclude(), limits.getOrDefault(id, List.of()),
          header ? children : List.of()));
    }
    List<Criterion> headers = new ArrayList<>(read.stream().filter(Criterion::isHeader).toList());
    headers.sort((a, b) -> Integer.compare(b.id().split("\\.").length, a.id().split("\\.").length));
    return new StudyCriteria(study.getIdElement().getIdPart(), List.copyOf(labels), List.copyOf(forms),
        Set.copyOf(snomed), age, sex, List.copyOf(read), List.copyOf(headers));
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

  private static Limit limit(GroupCharacteristicComponent c, MatchVocabulary vocabulary) {
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
    if (value instanceof Range range) {
      Quantity q = range.hasLow() ? range.getLow() : range.getHigh();
      return Limit.of(c.getId(), analyte, loinc, value(range.getLow()), true, value(range.getHigh()), true,
          q.getCode(), q.getUnit(), uln, conditionText, c.getExclude(), vocabulary);
    }
    Quantity q = (Quantity) value;
    BigDecimal v = q.getValue();
    String comparator = q.hasComparator() ? q.getComparator().toCode() : "=";
    return switch (comparator) {
      case ">=" -> Limit.of(c.getId(), analyte, loinc, v, true, null, false, q.getCode(), q.getUnit(), uln,
          conditionText, c.getExclude(), vocabulary);
      case ">" -> Limit.of(c.getId(), analyte, loinc, v, false, null, false, q.getCode(), q.getUnit(), uln,
          conditionText, c.getExclude(), vocabulary);
      case "<=" -> Limit.of(c.getId(), analyte, loinc, null, false, v, true, q.getCode(), q.getUnit(), uln,
          conditionText, c.getExclude(), vocabulary);
      case "<" -> Limit.of(c.getId(), analyte, loinc, null, false, v, false, q.getCode(), q.getUnit(), uln,
          conditionText, c.getExclude(), vocabulary);
      default -> Limit.of(c.getId(), analyte, loinc, v, true, v, true, q.getCode(), q.getUnit(), uln,
          conditionText, c.getExclude(), vocabulary);
    };
  }

  private static BigDecimal value(Quantity quantity) {
    return quantity == null || !quantity.hasValue() ? null : quantity.getValue();
  }

  private static String unit(Quantity quantity) {
    return quantity == null || !quantity.hasValue() ? null : quantity.getCode();
  }
}
