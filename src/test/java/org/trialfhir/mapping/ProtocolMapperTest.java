package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.ActivityDefinition;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PlanDefinition.PlanDefinitionActionComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.junit.jupiter.api.Test;
import org.trialfhir.testing.Cases;
import org.trialfhir.testing.Conversions;

/** The hard facts of each seed's treatment protocol, and what must not be there. */
class ProtocolMapperTest {

  private record Protocol(PlanDefinition plan, Map<String, ActivityDefinition> activities) {
    PlanDefinitionActionComponent action(String id) {
      return find(plan.getAction(), id);
    }

    private static PlanDefinitionActionComponent find(List<PlanDefinitionActionComponent> actions, String id) {
      for (PlanDefinitionActionComponent action : actions) {
        if (id.equals(action.getId())) {
          return action;
        }
        PlanDefinitionActionComponent nested = find(action.getAction(), id);
        if (nested != null) {
          return nested;
        }
      }
      return null;
    }

    ActivityDefinition definition(PlanDefinitionActionComponent action) {
      return activities.get(action.getDefinitionCanonicalType().getValue());
    }
  }

  private static Protocol protocol(String id) {
    List<org.hl7.fhir.r4.model.Resource> resources = Conversions.of(Cases.input(id)).bundle().getEntry().stream()
        .map(BundleEntryComponent::getResource).toList();
    PlanDefinition plan = resources.stream().filter(PlanDefinition.class::isInstance)
        .map(PlanDefinition.class::cast).findFirst().orElseThrow();
    Map<String, ActivityDefinition> activities = resources.stream().filter(ActivityDefinition.class::isInstance)
        .map(ActivityDefinition.class::cast).collect(Collectors.toMap(ActivityDefinition::getUrl, Function.identity()));
    return new Protocol(plan, activities);
  }

  private static List<Integer> studyDays(PlanDefinitionActionComponent action) {
    return action.getExtensionsByUrl(ProtocolMapper.STUDY_DAY).stream()
        .map(Extension::getValue).map(v -> ((IntegerType) v).getValue()).toList();
  }

  private static Quantity dose(ActivityDefinition activity) {
    return activity.getDosageFirstRep().getDoseAndRateFirstRep().getDoseQuantity();
  }

  private static void assertQuantity(String value, String ucum, Quantity quantity) {
    assertEquals(0, new BigDecimal(value).compareTo(quantity.getValue()), () -> value + " != " + quantity.getValue());
    assertEquals(ucum, quantity.getCode());
    assertEquals("http://unitsofmeasure.org", quantity.getSystem());
  }

  @Test
  void nct06412458FluAndCyOnDaysMinusFiveToMinusThreeWithThreeFlatDoseLevels() {
    Protocol p = protocol("NCT06412458");
    PlanDefinitionActionComponent flu = p.action("lymphodepletion-fludarabine");
    assertEquals(List.of(-5, -4, -3), studyDays(flu));
    assertQuantity("30", "mg/m2", dose(p.definition(flu)));
    assertEquals("24698", p.definition(flu).getProductCodeableConcept().getCodingFirstRep().getCode());
    PlanDefinitionActionComponent cy = p.action("lymphodepletion-cyclophosphamide");
    assertEquals(List.of(-5, -4, -3), studyDays(cy));
    assertQuantity("300", "mg/m2", dose(p.definition(cy)));
    Range offset = cy.getRelatedActionFirstRep().getOffsetRange();
    assertEquals("infusion-1", cy.getRelatedActionFirstRep().getActionId());
    assertEquals("before-start", cy.getRelatedActionFirstRep().getRelationship().toCode());
    assertQuantity("3", "d", offset.getLow());
    assertQuantity("5", "d", offset.getHigh());
    PlanDefinitionActionComponent infusion = p.action("infusion-1");
    assertEquals(List.of(0), studyDays(infusion));
    assertEquals("exactly-one", infusion.getSelectionBehavior().toCode());
    List<PlanDefinitionActionComponent> levels = infusion.getAction();
    assertEquals(3, levels.size());
    assertQuantity("5e8", "{cells}", dose(p.definition(levels.get(0))));
    assertQuantity("1e9", "{cells}", dose(p.definition(levels.get(1))));
    assertQuantity("2e9", "{cells}", dose(p.definition(levels.get(2))));
    assertTrue(p.plan().getDescription().contains("stated twice"), "the repeated fludarabine line is recorded");
  }

  @Test
  void nct07066982FluDaysMinusFourToMinusTwoCyDayMinusTwoInfusionDayZero() {
    Protocol p = protocol("NCT07066982");
    PlanDefinitionActionComponent flu = p.action("lymphodepletion-fludarabine-phosphate");
    assertEquals(List.of(-4, -3, -2), studyDays(flu));
    Dosage fluDosage = p.definition(flu).getDosageFirstRep();
    assertFalse(fluDosage.hasDoseAndRate(), "the arm states no dose; the description's e.g. dose is not taken");
    assertEquals(30, fluDosage.getTiming().getRepeat().getDuration().intValue());
    assertEquals("47625008", fluDosage.getRoute().getCodingFirstRep().getCode());
    PlanDefinitionActionComponent cy = p.action("lymphodepletion-cyclophosphamide");
    assertEquals(List.of(-2), studyDays(cy));
    assertQuantity("2", "d", cy.getRelatedActionFirstRep().getOffsetDuration());
    assertEquals(List.of(0), studyDays(p.action("infusion-1")));
    PlanDefinitionActionComponent more = p.action("additional-doses");
    assertEquals(2, more.getTimingTiming().getRepeat().getCount());
    assertEquals(3, more.getTimingTiming().getRepeat().getCountMax());
    assertTrue(more.getDescription().contains("do not experience unacceptable side effects"));
    assertTrue(studyDays(more).isEmpty(), "the record gives no day for the additional doses");
    assertTrue(p.plan().getDescription().contains("as an example"), "the conflicting 3-5 days are recorded");
  }

  @Test
  void nct06690827InfusionsOnDaysZeroAndSevenWithThreeCellPerKgLevels() {
    Protocol p = protocol("NCT06690827");
    assertNull(p.action("lymphodepletion"), "the record names no lymphodepletion");
    assertEquals(List.of(0), studyDays(p.action("infusion-1")));
    PlanDefinitionActionComponent second = p.action("infusion-2");
    assertEquals(List.of(7), studyDays(second));
    assertEquals("after-start", second.getRelatedActionFirstRep().getRelationship().toCode());
    assertQuantity("7", "d", second.getRelatedActionFirstRep().getOffsetDuration());
    List<PlanDefinitionActionComponent> levels = p.action("infusion-1").getAction();
    assertEquals(3, levels.size());
    assertQuantity("1e7", "{cells}/kg", dose(p.definition(levels.get(0))));
    assertQuantity("3e7", "{cells}/kg", dose(p.definition(levels.get(1))));
    assertQuantity("5e7", "{cells}/kg", dose(p.definition(levels.get(2))));
  }

  @Test
  void nct03754764HasNoLymphodepletionAndOneDoseRangeOnDayZero() {
    Protocol p = protocol("NCT03754764");
    assertNull(p.action("lymphodepletion"));
    PlanDefinitionActionComponent infusion = p.action("infusion-1");
    assertEquals(List.of(0), studyDays(infusion));
    assertFalse(infusion.hasAction(), "one dose range is not an escalation");
    Range range = p.definition(infusion).getDosageFirstRep().getDoseAndRateFirstRep().getDoseRange();
    assertQuantity("1e6", "{cells}/kg", range.getLow());
    assertQuantity("5e6", "{cells}/kg", range.getHigh());
  }

  @Test
  void nct07052565DrugsWithoutDosesOrDays() {
    Protocol p = protocol("NCT07052565");
    for (String id : List.of("lymphodepletion-cyclophosphamide", "lymphodepletion-fludarabine")) {
      PlanDefinitionActionComponent action = p.action(id);
      assertTrue(studyDays(action).isEmpty(), id + " has no stated day");
      assertFalse(p.definition(action).hasDosage(), id + " has no stated dose, route or duration");
      assertFalse(action.getRelatedActionFirstRep().hasOffset(), "before the infusion, by no stated offset");
    }
    assertEquals(List.of(0), studyDays(p.action("infusion-1")));
    assertEquals(3, p.action("infusion-1").getAction().size());
  }
}
