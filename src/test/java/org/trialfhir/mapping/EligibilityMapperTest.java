package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Group.GroupCharacteristicComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Quantity.QuantityComparator;
import org.hl7.fhir.r4.model.Range;
import org.junit.jupiter.api.Test;
import org.trialfhir.source.Diagnostic;
import org.trialfhir.source.TrialReaders;
import org.trialfhir.source.TrialRecord;
import org.trialfhir.source.TrialRecord.AgeLimit;
import org.trialfhir.source.TrialRecord.Criterion;
import org.trialfhir.source.TrialRecord.Eligibility;
import org.trialfhir.testing.Cases;

class EligibilityMapperTest {
  private static final FhirContext CTX = FhirContext.forR4();
  private static final EligibilityMapper MAPPER = new EligibilityMapper(ConceptMaps.load(CTX));
  private static final String LOINC = "http://loinc.org";
  private static final String UCUM = "http://unitsofmeasure.org";

  // ---- minimal records -----------------------------------------------------------------------------------

  private static TrialRecord record(Eligibility eligibility) {
    return new TrialRecord("NCT01234567", List.of(), "A study", null, null, null, List.of(), null, null, null,
        null, null, null, List.of(), List.of(), null, List.of(), List.of(), List.of(), eligibility, null, List.of(),
        null, List.of(), List.of(), List.of(), List.of(), List.of());
  }

  private static Eligibility eligibility(List<Criterion> inclusion, List<Criterion> exclusion) {
    return new Eligibility(inclusion, exclusion, null, null, "ALL", null);
  }

  private static Criterion criterion(String label, String text, Criterion... children) {
    return new Criterion(label, text, List.of(children));
  }

  private static Group map(TrialRecord record, List<Diagnostic> diagnostics) {
    return MAPPER.map(record, diagnostics);
  }

  private static Group map(TrialRecord record) {
    return map(record, new ArrayList<>());
  }

  private static GroupCharacteristicComponent byId(Group group, String id) {
    return group.getCharacteristic().stream().filter(c -> id.equals(c.getId())).findFirst()
        .orElseThrow(() -> new AssertionError("no characteristic " + id + " in " + ids(group)));
  }

  private static List<String> ids(Group group) {
    return group.getCharacteristic().stream().map(GroupCharacteristicComponent::getId).toList();
  }

  private static String extension(GroupCharacteristicComponent c, String url) {
    return c.hasExtension(url) ? c.getExtensionByUrl(url).getValue().primitiveValue() : null;
  }

  private static boolean hasCode(CodeableConcept concept, String system, String code) {
    return concept.getCoding().stream().anyMatch(c -> system.equals(c.getSystem()) && code.equals(c.getCode()));
  }

  private static void assertValue(String expected, BigDecimal actual) {
    assertEquals(0, new BigDecimal(expected).compareTo(actual), () -> expected + " != " + actual);
  }

  // ---- shape ---------------------------------------------------------------------------------------------

  @Test
  void emitsTheGroupShell() {
    Group group = map(record(eligibility(List.of(), List.of())));
    assertEquals("NCT01234567-eligibility", group.getIdElement().getIdPart());
    assertEquals(EligibilityMapper.PROFILE, group.getMeta().getProfile().get(0).getValue());
    assertEquals(Group.GroupType.PERSON, group.getType());
    assertFalse(group.getActual());
    assertEquals("Eligibility criteria of NCT01234567", group.getName());
    assertFalse(group.hasText(), "narratives are added centrally");
    assertFalse(group.getMeta().hasVersionId());
    assertTrue(group.getCharacteristic().isEmpty(), "sex ALL and no age: nothing to state");
  }

  @Test
  void emitsEveryCriterionWithItsFullTextLabelAndNestingId() {
    // a nested inclusion list and an exclusion, as the CT.gov page reader delivers them
    String long1 = "Laboratory tests should meet at least the indicators specified below:";
    Group group = map(record(eligibility(
        List.of(criterion("1.", "Histologically confirmed sarcoma"),
            criterion("2.", long1, criterion("1)", "Hemoglobin ≥ 90 g/L;"), criterion("2)", "Adequate"))),
        List.of(criterion(null, "Presence of brain metastases;")))));
    assertEquals(List.of("inc-1", "inc-2", "inc-2.1", "inc-2.1-t1", "inc-2.2", "exc-1"), ids(group));
    GroupCharacteristicComponent parent = byId(group, "inc-2");
    assertTrue(hasCode(parent.getCode(), EligibilityMapper.CHARACTERISTIC_SYSTEM, "inclusion-criterion"));
    assertEquals("Inclusion criterion 2.", parent.getCode().getText());
    assertEquals(long1, parent.getValueCodeableConcept().getText(), "the full text, never shortened");
    assertFalse(parent.getExclude());
    assertEquals("2.", extension(parent, EligibilityMapper.CRITERION_LABEL));
    GroupCharacteristicComponent exclusion = byId(group, "exc-1");
    assertTrue(hasCode(exclusion.getCode(), EligibilityMapper.CHARACTERISTIC_SYSTEM, "exclusion-criterion"));
    assertTrue(exclusion.getExclude());
    // an unnumbered paragraph has no label extension
    assertNull(extension(exclusion, EligibilityMapper.CRITERION_LABEL));
  }

  @Test
  void followsACriterionWithItsLabThreshold() {
    // "Hemoglobin ≥ 90 g/L": LOINC analyte, comparator, the unit as written and its UCUM code
    Group group = map(record(eligibility(List.of(criterion("5)", "Hemoglobin ≥ 90 g/L;")), List.of())));
    GroupCharacteristicComponent t = byId(group, "inc-1-t1");
    assertTrue(t.getCode().getCoding().stream().anyMatch(c -> LOINC.equals(c.getSystem())), t.getCode()::toString);
    assertEquals("Hemoglobin", t.getCode().getText());
    Quantity q = t.getValueQuantity();
    assertEquals(QuantityComparator.GREATER_OR_EQUAL, q.getComparator());
    assertValue("90", q.getValue());
    assertEquals("g/L", q.getUnit());
    assertEquals(UCUM, q.getSystem());
    assertEquals("g/L", q.getCode());
    assertFalse(t.getExclude());
    assertEquals("inc-1", extension(t, EligibilityMapper.SOURCE_CRITERION));
    assertNull(extension(t, EligibilityMapper.RELATIVE_TO_NORMAL));
    assertNull(extension(t, EligibilityMapper.THRESHOLD_CONDITION));
  }

  @Test
  void marksUlnRelativeAndConditionalLimits() {
    // NCT06412458 inclusion 8.7)
    Group group = map(record(eligibility(List.of(criterion("7)", "Serum bilirubin ≤ 1.5 times the upper limit of "
        + "normal; if liver metastases are present, serum bilirubin ≤ 3.0 times the upper limit of normal;")),
        List.of())));
    GroupCharacteristicComponent plain = byId(group, "inc-1-t1");
    GroupCharacteristicComponent conditional = byId(group, "inc-1-t2");
    assertEquals("upper", extension(plain, EligibilityMapper.RELATIVE_TO_NORMAL));
    assertNull(extension(plain, EligibilityMapper.THRESHOLD_CONDITION));
    assertEquals("if liver metastases are present", extension(conditional, EligibilityMapper.THRESHOLD_CONDITION));
    assertValue("3.0", conditional.getValueQuantity().getValue());
    assertEquals("times the upper limit of normal", conditional.getValueQuantity().getUnit());
    assertEquals(plain.getValueQuantity().getCode(), conditional.getValueQuantity().getCode());
    assertNotNull(plain.getValueQuantity().getCode(), "the ULN multiple has the unit map's code");
  }

  @Test
  void givesAnExclusionsThresholdTheExclusionsFlag() {
    // NCT06412458 exclusion 15.: "QTc interval >480 ms" excludes
    Group group = map(record(eligibility(List.of(), List.of(criterion("15.", "long QTc syndrome or QTc interval "
        + ">480 ms;")))));
    GroupCharacteristicComponent t = byId(group, "exc-1-t1");
    assertTrue(t.getExclude());
    assertEquals("ms", t.getValueQuantity().getCode());
    assertEquals(QuantityComparator.GREATER_THAN, t.getValueQuantity().getComparator());
  }

  @Test
  void leavesOutALimitWhoseUnitHasNoUcumCodeAndSaysSo() {
    // an invented unit: the limit is not emitted, the text stays, a diagnostic names the unit
    List<Diagnostic> diagnostics = new ArrayList<>();
    Group group = map(record(eligibility(List.of(criterion("1.", "Hemoglobin ≥ 9 furlong/L")), List.of())),
        diagnostics);
    assertEquals(List.of("inc-1"), ids(group));
    assertTrue(diagnostics.stream().anyMatch(d -> d.section().equals("Eligibility")
        && d.message().contains("furlong/L")), diagnostics::toString);
  }

  @Test
  void statesSexOnlyWhenRestricted() {
    // CT.gov sex ALL: no characteristic; FEMALE: administrative-gender female
    assertTrue(map(record(eligibility(List.of(), List.of()))).getCharacteristic().isEmpty());
    Group female = map(record(new Eligibility(List.of(), List.of(), null, null, "FEMALE", null)));
    GroupCharacteristicComponent sex = byId(female, "sex");
    assertTrue(hasCode(sex.getCode(), LOINC, "46098-0"));
    Coding gender = sex.getValueCodeableConcept().getCodingFirstRep();
    assertEquals("http://hl7.org/fhir/administrative-gender", gender.getSystem());
    assertEquals("female", gender.getCode());
    assertFalse(sex.getExclude());
  }

  @Test
  void statesHealthyVolunteersWhenTheRecordDoes() {
    Group group = map(record(new Eligibility(List.of(), List.of(), null, null, "ALL", false)));
    GroupCharacteristicComponent volunteers = byId(group, "healthy-volunteers");
    assertTrue(hasCode(volunteers.getCode(), EligibilityMapper.CHARACTERISTIC_SYSTEM, "healthy-volunteers"));
    assertFalse(volunteers.getValueBooleanType().booleanValue());
    assertTrue(map(record(eligibility(List.of(), List.of()))).getCharacteristic().stream()
        .noneMatch(c -> "healthy-volunteers".equals(c.getId())), "not stated: absent");
  }

  @Test
  void prefersStructuredAgesAndFallsBackToTheCriteriaText() {
    // structured 21..90 wins over "age 12 years and older" in the text
    Criterion text = criterion("*", "Participants age 12 years and older");
    Group structured = map(record(new Eligibility(List.of(text), List.of(), new AgeLimit(21, "YEARS"),
        new AgeLimit(90, "YEARS"), "ALL", null)));
    Range range = byId(structured, "age").getValueRange();
    assertValue("21", range.getLow().getValue());
    assertValue("90", range.getHigh().getValue());
    assertEquals("a", range.getLow().getCode());
    assertNull(extension(byId(structured, "age"), EligibilityMapper.SOURCE_CRITERION));
    assertTrue(ids(structured).stream().noneMatch(id -> id.startsWith("inc-1-t")), "the text age is no second age");
    // no structured age: the criterion's, with the criterion it came from
    Group fromText = map(record(eligibility(List.of(criterion("1.", "Histology"), text), List.of())));
    GroupCharacteristicComponent age = byId(fromText, "age");
    assertValue("12", age.getValueRange().getLow().getValue());
    assertFalse(age.getValueRange().hasHigh());
    assertEquals("inc-2", extension(age, EligibilityMapper.SOURCE_CRITERION));
    assertTrue(hasCode(age.getCode(), LOINC, "30525-0"));
    assertEquals("Age", age.getCode().getText());
    // nothing states an age: no Age characteristic
    assertTrue(map(record(eligibility(List.of(criterion("1.", "Histology")), List.of()))).getCharacteristic()
        .stream().noneMatch(c -> "age".equals(c.getId())));
  }

  @Test
  void keepsTheWrittenDecimalInJson() {
    // "white blood cells >1.0×109/L": 1.0 stays 1.0 through the JSON encoder
    Group group = map(record(eligibility(List.of(criterion("1.", "white blood cells >1.0×109/L")), List.of())));
    String json = CTX.newJsonParser().encodeResourceToString(group);
    assertTrue(json.contains("\"value\":1.0,"), json);
  }

  // ---- seeds ---------------------------------------------------------------------------------------------

  private static TrialRecord seed(String id) {
    return TrialReaders.standard().read(Cases.input(id)).record();
  }

  private static List<GroupCharacteristicComponent> thresholds(Group group, Predicate<GroupCharacteristicComponent> p) {
    return group.getCharacteristic().stream().filter(c -> c.hasExtension(EligibilityMapper.SOURCE_CRITERION))
        .filter(c -> !"age".equals(c.getId())).filter(p).toList();
  }

  private static Predicate<GroupCharacteristicComponent> loinc(String code) {
    return c -> hasCode(c.getCode(), LOINC, code);
  }

  private static GroupCharacteristicComponent onlyThreshold(Group group, Predicate<GroupCharacteristicComponent> p) {
    List<GroupCharacteristicComponent> found = thresholds(group, p);
    assertEquals(1, found.size(), () -> "matching thresholds: " + found.stream().map(c -> c.getId()).toList());
    return found.get(0);
  }

  private static void assertEveryCriterionPresent(TrialRecord record, Group group) {
    Set<String> texts = new HashSet<>();
    for (GroupCharacteristicComponent c : group.getCharacteristic()) {
      if (c.getCode().getCoding().stream().anyMatch(
          k -> EligibilityMapper.CHARACTERISTIC_SYSTEM.equals(k.getSystem()) && k.getCode().endsWith("-criterion"))) {
        texts.add(c.getValueCodeableConcept().getText());
      }
    }
    List<Criterion> all = new ArrayList<>();
    walk(record.eligibility().inclusion(), all);
    walk(record.eligibility().exclusion(), all);
    for (Criterion criterion : all) {
      assertTrue(texts.contains(criterion.text()), () -> "criterion text missing: " + criterion.text());
    }
    long criteria = group.getCharacteristic().stream().filter(c -> c.getId().matches("(inc|exc)-[\\d.]+")).count();
    assertEquals(all.size(), criteria, "one characteristic per criterion");
  }

  private static void walk(List<Criterion> criteria, List<Criterion> into) {
    for (Criterion c : criteria) {
      into.add(c);
      walk(c.children(), into);
    }
  }

  private static void assertInvariants(TrialRecord record, Group group) {
    List<String> ids = ids(group);
    assertEquals(ids.size(), new HashSet<>(ids).size(), () -> "element ids unique: " + ids);
    assertEveryCriterionPresent(record, group);
    if ("ALL".equals(record.eligibility().sex())) {
      assertTrue(group.getCharacteristic().stream().noneMatch(c -> hasCode(c.getCode(), LOINC, "46098-0")),
          "no sex characteristic when all sexes are eligible");
    }
    for (GroupCharacteristicComponent c : group.getCharacteristic()) {
      String source = extension(c, EligibilityMapper.SOURCE_CRITERION);
      if (source != null) {
        assertTrue(ids.contains(source), () -> c.getId() + " points to a criterion that is there");
        assertEquals(byId(group, source).getExclude(), c.getExclude(), () -> c.getId() + " shares its exclude");
      }
    }
  }

  @Test
  void nct06690827() {
    TrialRecord record = seed("NCT06690827");
    Group group = map(record);
    assertInvariants(record, group);
    // inclusion 7.1: "platelets >50×109/L"
    GroupCharacteristicComponent platelets = onlyThreshold(group, c -> "platelets".equals(c.getCode().getText()));
    assertTrue(hasCode(platelets.getCode(), LOINC, "777-3"), platelets.getCode().getCoding()::toString);
    Quantity q = platelets.getValueQuantity();
    assertEquals(QuantityComparator.GREATER_THAN, q.getComparator());
    assertValue("50", q.getValue());
    assertEquals("10*9/L", q.getCode());
    assertEquals("inc-7.1", extension(platelets, EligibilityMapper.SOURCE_CRITERION));
    // inclusion 5: "ECOG score of 0-2"
    Range ecog = onlyThreshold(group, loinc("89247-1")).getValueRange();
    assertValue("0", ecog.getLow().getValue());
    assertValue("2", ecog.getHigh().getValue());
    // structured 18..75 years
    Range age = byId(group, "age").getValueRange();
    assertValue("18", age.getLow().getValue());
    assertValue("75", age.getHigh().getValue());
    assertEquals("a", age.getHigh().getCode());
    // inclusion 7.4: the "* 5.0×ULN" of liver invasion lost its comparator; nothing at 5.0
    assertTrue(thresholds(group, c -> c.hasValueQuantity() && c.getValueQuantity().getValue()
        .compareTo(new BigDecimal("5.0")) == 0).isEmpty());
    // inclusion 7.5: Gilbert's syndrome
    assertEquals(1, thresholds(group, c -> "for patients with Gilbert's syndrome".equals(
        extension(c, EligibilityMapper.THRESHOLD_CONDITION))).size());
  }

  @Test
  void nct06412458() {
    TrialRecord record = seed("NCT06412458");
    Group group = map(record);
    assertInvariants(record, group);
    // inclusion 8.1): "Absolute neutrophil count (ANC) ≥ 1.5 x 10^9/L"
    GroupCharacteristicComponent anc = byId(group, "inc-4.8.1-t1");
    assertEquals("Absolute neutrophil count", anc.getCode().getText());
    assertTrue(anc.getCode().getCoding().stream().anyMatch(c -> LOINC.equals(c.getSystem())));
    assertEquals(QuantityComparator.GREATER_OR_EQUAL, anc.getValueQuantity().getComparator());
    assertValue("1.5", anc.getValueQuantity().getValue());
    assertEquals("10*9/L", anc.getValueQuantity().getCode());
    assertFalse(group.getCharacteristic().stream().anyMatch(c -> "inc-4.8.1-t2".equals(c.getId())),
        "(ANC) is the same analyte, not a second limit");
    // inclusion 6.: "Karnofsky functional status score ≥60"
    GroupCharacteristicComponent karnofsky = byId(group, "inc-4.6-t1");
    assertValue("60", karnofsky.getValueRange().getLow().getValue());
    assertFalse(karnofsky.getValueRange().hasHigh());
    // inclusion 8.7): bilirubin ≤1.5×ULN and, with liver metastases, ≤3.0×ULN
    GroupCharacteristicComponent bilirubin = byId(group, "inc-4.8.7-t1");
    assertValue("1.5", bilirubin.getValueQuantity().getValue());
    assertEquals(QuantityComparator.LESS_OR_EQUAL, bilirubin.getValueQuantity().getComparator());
    assertEquals("upper", extension(bilirubin, EligibilityMapper.RELATIVE_TO_NORMAL));
    GroupCharacteristicComponent conditional = byId(group, "inc-4.8.7-t2");
    assertValue("3.0", conditional.getValueQuantity().getValue());
    assertEquals("if liver metastases are present", extension(conditional, EligibilityMapper.THRESHOLD_CONDITION));
    // inclusion 8.3): the lymphocyte proportion is no lymphocyte count
    assertTrue(thresholds(group, c -> "inc-4.8.3".equals(extension(c, EligibilityMapper.SOURCE_CRITERION)))
        .isEmpty());
    // structured minimum 16 years, no maximum
    Range age = byId(group, "age").getValueRange();
    assertValue("16", age.getLow().getValue());
    assertEquals("a", age.getLow().getCode());
    assertFalse(age.hasHigh());
  }

  @Test
  void nct07066982() {
    TrialRecord record = seed("NCT07066982");
    Group group = map(record);
    assertInvariants(record, group);
    // structured 21..90 wins over "age 12 years and older" and "~75 years" in the text
    Range age = byId(group, "age").getValueRange();
    assertValue("21", age.getLow().getValue());
    assertValue("90", age.getHigh().getValue());
    // "ECOG performance status 0-1"
    Range ecog = onlyThreshold(group, loinc("89247-1")).getValueRange();
    assertValue("0", ecog.getLow().getValue());
    assertValue("1", ecog.getHigh().getValue());
    // "cardiac ejection fraction ≥50%"
    GroupCharacteristicComponent lvef = onlyThreshold(group, loinc("10230-1"));
    assertEquals("cardiac ejection fraction", lvef.getCode().getText());
    assertEquals(QuantityComparator.GREATER_OR_EQUAL, lvef.getValueQuantity().getComparator());
    assertValue("50", lvef.getValueQuantity().getValue());
    assertEquals("%", lvef.getValueQuantity().getCode());
    // "baseline oxygen saturation >92% on room air"
    Quantity spo2 = thresholds(group, c -> "oxygen saturation".equals(c.getCode().getText())).get(0)
        .getValueQuantity();
    assertEquals(QuantityComparator.GREATER_THAN, spo2.getComparator());
    assertValue("92", spo2.getValue());
    assertEquals("%", spo2.getCode());
  }

  @Test
  void medPathSeedsTakeTheirAgeFromTheCriteria() {
    // NCT03754764 has no structured age: "12 Years to 70 Years" of inclusion 2.
    TrialRecord cd38 = seed("NCT03754764");
    Group group = map(cd38);
    assertInvariants(cd38, group);
    GroupCharacteristicComponent age = byId(group, "age");
    assertValue("12", age.getValueRange().getLow().getValue());
    assertValue("70", age.getValueRange().getHigh().getValue());
    assertEquals("inc-2", extension(age, EligibilityMapper.SOURCE_CRITERION));
    // NCT07052565: "at least 18 years of age"
    TrialRecord ra = seed("NCT07052565");
    Group raGroup = map(ra);
    assertInvariants(ra, raGroup);
    assertValue("18", byId(raGroup, "age").getValueRange().getLow().getValue());
    assertFalse(byId(raGroup, "age").getValueRange().hasHigh());
  }
}
