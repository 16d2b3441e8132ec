package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.math.BigDecimal;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.Test;
import org.trialfhir.mapping.Schedule.DrugStep;
import org.trialfhir.source.TrialRecord;
import org.trialfhir.source.TrialRecord.Arm;

class ScheduleExtractorTest {
  private static final ConceptMaps MAPS = ConceptMaps.load(FhirContext.forR4Cached());
  private static final ScheduleExtractor EXTRACTOR = new ScheduleExtractor(new ScheduleExtractor.Vocabulary(
      MAPS.sourceCodes("drug-rxnorm"), MAPS.sourceCodes("route-snomed"),
      unit -> MAPS.translate("unit-ucum", unit).map(Coding::getCode)));

  private static TrialRecord record(String armDescription, String detailedDescription) {
    List<Arm> arms = armDescription == null ? List.of() : List.of(new Arm("Arm A", "EXPERIMENTAL", armDescription, List.of()));
    return new TrialRecord("NCT00000001", List.of(), "A CD19 CAR-T study", null, null, "RECRUITING", List.of(), null,
        null, null, null, null, detailedDescription, List.of(), List.of(), null, arms, List.of(), List.of(), null,
        null, List.of(), null, List.of(), List.of(), List.of(), List.of(), List.of());
  }

  @Test
  void readsStudyDaysInEveryWrittenForm() {
    // Arm descriptions and intervention texts: ranges, single days, D-notation with a stray space, lists.
    assertEquals(List.of(-4, -3, -2), ScheduleExtractor.days("on days -4 to -2."));
    assertEquals(List.of(-2), ScheduleExtractor.days("over 60 minutes on day -2."));
    assertEquals(List.of(-5, -4, -3), ScheduleExtractor.days("30 mg/m^2 (D-5~D- 3), determined by tumor burden"));
    assertEquals(List.of(0, 7), ScheduleExtractor.days("two CAR-NK cell infusions at D0 and D7"));
    assertTrue(ScheduleExtractor.days("for 3-5 days").isEmpty(), "a count of days is not a study day");
  }

  @Test
  void takesDoseDaysRouteAndDurationFromTheArm() {
    Schedule s = EXTRACTOR.extract(record(
        "Fludarabine 30 mg/m2/day IV over 30 minutes on days -5 to -3. CAR-T cells are infused on day 0.", null));
    DrugStep flu = s.lymphodepletion().get(0);
    assertEquals("fludarabine", flu.drug());
    assertEquals(0, new BigDecimal("30").compareTo(flu.dose().low()));
    assertEquals("mg/m2", flu.dose().ucum());
    assertEquals(List.of(-5, -4, -3), flu.days());
    assertEquals("IV", flu.route());
    assertEquals(List.of(0), s.infusion().days());
    assertTrue(s.infusion().dayStated());
  }

  @Test
  void neverTakesAnExampleDose() {
    // Detailed description: "(e.g. 30 mg/m²/day for 3-5 days)" is an example, not the protocol.
    Schedule s = EXTRACTOR.extract(record(null,
        "Participants undergo lymphodepletion with fludarabine (e.g. 30 mg/m²/day for 3-5 days)."));
    DrugStep flu = s.lymphodepletion().get(0);
    assertNull(flu.dose());
    assertTrue(flu.days().isEmpty());
    assertTrue(s.notes().get(0).contains("as an example"));
  }

  @Test
  void prefersTheArmAndRecordsTheConflict() {
    Schedule s = EXTRACTOR.extract(record("Cyclophosphamide 300 mg/m2 IV on day -2.",
        "Cyclophosphamide 500 mg/m2 is given on days -5 to -3 as lymphodepletion."));
    DrugStep cy = s.lymphodepletion().get(0);
    assertEquals(List.of(-2), cy.days());
    assertEquals(0, new BigDecimal("300").compareTo(cy.dose().low()));
    assertTrue(s.notes().stream().anyMatch(n -> n.contains("more specific section")));
  }

  @Test
  void readsEscalationLevelsAndAConditionalRepeat() {
    Schedule s = EXTRACTOR.extract(record(
        "Patients receive CAR-T cells on day 0. Responders may receive 2 or 3 additional doses of CAR-T cells.",
        "Three dose groups: 1×107 CAR-positive cells/kg, 3×107 CAR-positive cells/kg and 5×107 CAR-positive cells/kg."));
    assertEquals(3, s.infusion().levels().size());
    assertEquals(0, new BigDecimal("3E7").compareTo(s.infusion().levels().get(1).low()));
    assertEquals("{cells}/kg", s.infusion().levels().get(1).ucum());
    assertEquals(2, s.infusion().repeat().countLow());
    assertEquals(3, s.infusion().repeat().countHigh());
  }

  @Test
  void statesNothingWhenTheRecordStatesNothing() {
    Schedule s = EXTRACTOR.extract(record(null, "A study of safety."));
    assertTrue(s.lymphodepletion().isEmpty());
    assertNull(s.infusion() == null ? null : s.infusion().dose());
    assertTrue(s.infusion() == null || s.infusion().days().isEmpty(), "no day is invented");
  }
}
