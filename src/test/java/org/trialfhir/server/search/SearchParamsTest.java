package org.trialfhir.server.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.QuantityAndListParam;
import ca.uhn.fhir.rest.param.QuantityParam;
import ca.uhn.fhir.rest.param.StringAndListParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.store.InMemoryTrialStore;

/**
 * The matching rules on hand-made studies, for what the sample trials cannot show: a sex restriction, age units and
 * exclusions, the date prefixes at the edges of a span.
 */
class SearchParamsTest {
  private static SearchParams params;

  /** Female-only 18-65 (FEMALE in CT.gov eligibility.sex). */
  private static final String WOMEN = "NCT1";
  /** Men, no age stated. */
  private static final String MEN = "NCT2";
  /** All sexes, children up to 17; adults (18 and over) excluded by an exclusion age range. */
  private static final String CHILDREN = "NCT3";
  /** No eligibility Group at all. */
  private static final String UNKNOWN = "NCT4";

  @BeforeAll
  static void store() {
    InMemoryTrialStore store = new InMemoryTrialStore();
    store.put(List.of(
        study(WOMEN), group(WOMEN, "female", range(18, 65, "a"), false),
        study(MEN), group(MEN, "male", null, false),
        study(CHILDREN), group(CHILDREN, null, range(18, null, "a"), true),
        new ResearchStudy().setStatus(ResearchStudy.ResearchStudyStatus.ACTIVE).setId(UNKNOWN)));
    params = new SearchParams(FhirContext.forR4Cached(), new Resolver(store));
  }

  @Test
  void eligibleSexAdmitsTheStatedSexOnlyAndEverySexWhenNoneIsStated() {
    assertEquals(Set.of(WOMEN, CHILDREN, UNKNOWN), ids("eligible-sex", tokens("female")));
    assertEquals(Set.of(MEN, CHILDREN, UNKNOWN), ids("eligible-sex", tokens("male")));
    assertEquals(Set.of(CHILDREN, UNKNOWN), ids("eligible-sex", tokens("other")));
    // OR within the parameter.
    assertEquals(Set.of(WOMEN, MEN, CHILDREN, UNKNOWN), ids("eligible-sex", tokens("female", "male")));
    assertThrows(InvalidRequestException.class, () -> ids("eligible-sex", tokens("f")));
  }

  @Test
  void eligibleAgeUsesTheRangeItsUnitsAndExclusions() {
    assertEquals(Set.of(WOMEN, MEN, UNKNOWN), ids("eligible-age", age("30", null)));
    // "to 65 Years" admits 65 years and 11 months, not 66.
    assertEquals(Set.of(WOMEN, MEN, UNKNOWN), ids("eligible-age", age("65.9", null)));
    assertEquals(Set.of(MEN, UNKNOWN), ids("eligible-age", age("66", null)));
    // 10 years in months; the exclusion "18 years and over" does not bar a child.
    assertEquals(Set.of(MEN, CHILDREN, UNKNOWN), ids("eligible-age", age("120", "mo")));
    assertEquals(Set.of(MEN, CHILDREN, UNKNOWN), ids("eligible-age", age("52", "wk")));
    assertThrows(InvalidRequestException.class, () -> ids("eligible-age", age("30", "kg")));
    QuantityAndListParam prefixed = new QuantityAndListParam()
        .addAnd(new ca.uhn.fhir.rest.param.QuantityOrListParam()
            .add(new QuantityParam(ParamPrefixEnum.GREATERTHAN_OR_EQUALS, 18, null, null)));
    assertThrows(InvalidRequestException.class, () -> ids("eligible-age", prefixed));
  }

  @Test
  void tokenTextNotAndSystems() {
    assertEquals(Set.of(WOMEN), ids("condition", tokens("http://snomed.info/sct|254837009")));
    assertEquals(Set.of(), ids("condition", tokens("http://loinc.org|254837009")));
    // "|code" asks for a code without a system.
    assertEquals(Set.of(), ids("condition", tokens("|254837009")));
    TokenAndListParam text = new TokenAndListParam().addAnd(new TokenParam("breast").setModifier(
        ca.uhn.fhir.rest.param.TokenParamModifier.TEXT));
    assertEquals(Set.of(WOMEN), ids("condition", text));
    TokenAndListParam not = new TokenAndListParam().addAnd(new TokenParam("254837009").setModifier(
        ca.uhn.fhir.rest.param.TokenParamModifier.NOT));
    assertEquals(Set.of(MEN, CHILDREN, UNKNOWN), ids("condition", not));
  }

  @Test
  void stringsMatchFromTheStartIgnoringCaseAndAccents() {
    // "ETUDE" finds "Étude"; the study without a title is not matched.
    assertEquals(Set.of(WOMEN, MEN, CHILDREN), ids("title", strings(new StringParam("ETUDE"))));
    assertEquals(Set.of(WOMEN), ids("title", strings(new StringParam("ETUDE NCT1"))));
    assertEquals(Set.of(), ids("title", strings(new StringParam("NCT1"))));
    assertEquals(Set.of(WOMEN), ids("title", strings(new StringParam("NCT1").setContains(true))));
    assertEquals(Set.of(), ids("title", strings(new StringParam("étude NCT1").setExact(true))));
    assertEquals(Set.of(WOMEN), ids("title", strings(new StringParam("Étude NCT1").setExact(true))));
  }

  @Test
  void datePrefixesFollowR4AtTheEdgesOfASpan() {
    // A target covering June 2024 against values of other precisions.
    DateSpan june = DateSpan.of(new DateTimeType("2024-06"));
    DateSpan year = DateSpan.of(new DateTimeType("2024"));
    DateSpan day = DateSpan.of(new DateTimeType("2024-06-15"));
    assertTrue(Predicates.compare(ParamPrefixEnum.EQUAL, year, june), "June is within 2024");
    assertFalse(Predicates.compare(ParamPrefixEnum.EQUAL, day, june), "June is not within one day");
    assertTrue(Predicates.compare(ParamPrefixEnum.GREATERTHAN, day, june), "June goes on after the 15th");
    assertTrue(Predicates.compare(ParamPrefixEnum.LESSTHAN, day, june), "and began before it");
    assertFalse(Predicates.compare(ParamPrefixEnum.STARTS_AFTER, day, june));
    assertTrue(Predicates.compare(ParamPrefixEnum.STARTS_AFTER, DateSpan.of(new DateTimeType("2024-05")), june));
    assertTrue(Predicates.compare(ParamPrefixEnum.ENDS_BEFORE, DateSpan.of(new DateTimeType("2024-07-01")), june));
    assertTrue(Predicates.compare(ParamPrefixEnum.GREATERTHAN_OR_EQUALS, year, june));
    assertFalse(Predicates.compare(ParamPrefixEnum.GREATERTHAN, year, june));
    assertTrue(Predicates.compare(ParamPrefixEnum.NOT_EQUAL, day, june));
    assertTrue(Predicates.compare(ParamPrefixEnum.APPROXIMATE, day, june));
    assertEquals(TemporalPrecisionEnum.MONTH.add(new java.util.Date(june.start()), 1).getTime(), june.end());
  }

  // ---- fixtures

  private static Set<String> ids(String name, ca.uhn.fhir.model.api.IQueryParameterAnd<?> values) {
    SearchResults results = params.query("ResearchStudy").where(name, values).run(null, null, null);
    Set<String> ids = new TreeSet<>();
    results.getResources(0, results.size()).forEach(r -> ids.add(r.getIdElement().getIdPart()));
    return ids;
  }

  private static TokenAndListParam tokens(String... values) {
    ca.uhn.fhir.rest.param.TokenOrListParam or = new ca.uhn.fhir.rest.param.TokenOrListParam();
    for (String value : values) {
      int bar = value.indexOf('|');
      or.add(bar < 0 ? new TokenParam(value) : new TokenParam(value.substring(0, bar), value.substring(bar + 1)));
    }
    return new TokenAndListParam().addAnd(or);
  }

  private static StringAndListParam strings(StringParam value) {
    return new StringAndListParam().addAnd(value);
  }

  private static QuantityAndListParam age(String value, String unit) {
    return new QuantityAndListParam().addAnd(new ca.uhn.fhir.rest.param.QuantityOrListParam().add(
        new QuantityParam(null, new java.math.BigDecimal(value), unit == null ? null : "http://unitsofmeasure.org", unit)));
  }

  private static ResearchStudy study(String id) {
    ResearchStudy study = new ResearchStudy();
    study.setId(id);
    study.setTitle("Étude " + id);
    study.setStatus(ResearchStudy.ResearchStudyStatus.ACTIVE);
    study.addEnrollment(new Reference("Group/" + id + "-eligibility"));
    if (id.equals(WOMEN)) {
      study.addCondition(new CodeableConcept(new Coding("http://snomed.info/sct", "254837009", "Breast cancer"))
          .setText("Breast Cancer"));
    }
    return study;
  }

  private static Resource group(String id, String sex, Range age, boolean ageExcludes) {
    Group group = new Group();
    group.setId(id + "-eligibility");
    group.setType(Group.GroupType.PERSON).setActual(false);
    if (age != null) {
      group.addCharacteristic()
          .setCode(new CodeableConcept(new Coding(SearchParams.LOINC, SearchParams.AGE_CODE, "Age")))
          .setValue(age)
          .setExclude(ageExcludes);
    }
    if (sex != null) {
      group.addCharacteristic()
          .setCode(new CodeableConcept(new Coding(SearchParams.LOINC, SearchParams.SEX_CODE, "Sex")))
          .setValue(new CodeableConcept(new Coding(SearchParams.GENDER_SYSTEM, sex, null)))
          .setExclude(false);
    }
    return group;
  }

  private static Range range(Integer low, Integer high, String unit) {
    Range range = new Range();
    if (low != null) {
      range.setLow(new Quantity().setValue(low).setSystem(SearchParams.UCUM).setCode(unit).setUnit(unit));
    }
    if (high != null) {
      range.setHigh(new Quantity().setValue(high).setSystem(SearchParams.UCUM).setCode(unit).setUnit(unit));
    }
    return range;
  }
}
