package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.parser.IParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Group.GroupCharacteristicComponent;
import org.hl7.fhir.r4.model.Narrative.NarrativeStatus;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.utilities.xhtml.NodeType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trialfhir.testing.Conversions;

/**
 * Narratives on real conversions, read back through HAPI's parsers: every resource has one, the protocol's schedule
 * is a table by study day with the doses of its ActivityDefinitions, and criterion text is escaped, not markup.
 */
class NarrativeWriterTest {
  private static final Path NCT06412458 = Path.of("src/test/resources/cases/NCT06412458/input.txt");
  private static final Path NCT06690827 = Path.of("src/test/resources/cases/NCT06690827/input.txt");
  private static final Path NCT03754764 = Path.of("src/test/resources/cases/NCT03754764/input.txt");
  private static final Path NCT07066982 = Path.of("src/test/resources/cases/NCT07066982/input.txt");
  private static final String SCHEDULE = "Schedule by study day";
  private static final String UNDATED = "Without a stated day";

  static Stream<Path> inputs() {
    return Conversions.inputs().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void everyResourceHasGeneratedText(Path input) {
    for (Resource resource : Conversions.of(input).trial().resources()) {
      DomainResource domain = (DomainResource) resource;
      String what = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
      assertEquals(NarrativeStatus.GENERATED, domain.getText().getStatus(), what);
      XhtmlNode div = reparsed(domain);
      assertEquals("div", div.getName(), what);
      assertFalse(div.allText().isBlank(), what + " has an empty narrative");
    }
  }

  @Test
  void nct06412458ScheduleHasTheLymphodepletionDaysThenTheInfusion() {
    List<List<List<String>>> rows = table(reparsed(plan(NCT06412458)), SCHEDULE);
    // CT.gov interventions: fludarabine and cyclophosphamide "D-5~D-3"; the cell infusion is day 0
    assertEquals(List.of("-5", "-4", "-3", "0"), rows.stream().map(row -> String.join("", row.get(0))).toList());
    List<List<String>> dayMinus5 = rows.get(0);
    List<String> what = dayMinus5.get(1);
    List<String> dose = dayMinus5.get(2);
    assertEquals("30 mg/m2", dose.get(what.indexOf("Fludarabine")));
    assertEquals("300 mg/m2", dose.get(what.indexOf("Cyclophosphamide")));
    // the three cell dose levels are alternatives of the one infusion
    assertTrue(String.join("", rows.get(3).get(2)).startsWith("one of: "), rows.get(3).toString());
    assertTrue(section(reparsed(plan(NCT06412458)), UNDATED) == null, "every action has a day");
  }

  @Test
  void nct06690827ScheduleHasBothInfusionDays() {
    // "two CAR-NK cell infusions at D0 and D7"
    List<List<List<String>>> rows = table(reparsed(plan(NCT06690827)), SCHEDULE);
    assertEquals(List.of("0", "7"), rows.stream().map(row -> String.join("", row.get(0))).toList());
  }

  @Test
  void nct03754764ScheduleHasNoLymphodepletionRows() {
    // the record names no lymphodepletion: only the day-0 infusion
    List<List<List<String>>> rows = table(reparsed(plan(NCT03754764)), SCHEDULE);
    assertEquals(List.of("0"), rows.stream().map(row -> String.join("", row.get(0))).toList());
    String what = String.join(" ", rows.get(0).get(1)).toLowerCase();
    assertFalse(what.contains("fludarabine") || what.contains("cyclophosphamide") || what.contains("lymphodepletion"),
        what);
    assertEquals(List.of("1×10^6–5×10^6 cells/kg"), rows.get(0).get(2));
  }

  @Test
  void nct07066982AdditionalDosesHaveNoDayRow() {
    XhtmlNode div = reparsed(plan(NCT07066982));
    List<List<List<String>>> dated = table(div, SCHEDULE);
    assertEquals(List.of("-4", "-3", "-2", "0"), dated.stream().map(row -> String.join("", row.get(0))).toList());
    List<List<List<String>>> undated = table(div, UNDATED);
    assertEquals(List.of("2 or 3 additional doses"), undated.stream().map(row -> String.join("", row.get(0))).toList());
  }

  @Test
  void planDefinitionWithoutItsActivitiesStillGetsItsDays() {
    PlanDefinition plan = plan(NCT06412458).copy();
    new NarrativeWriter().write(plan, Map.of());
    List<List<List<String>>> rows = table(reparsed(plan), SCHEDULE);
    assertEquals(List.of("-5", "-4", "-3", "0"), rows.stream().map(row -> String.join("", row.get(0))).toList());
    assertEquals(List.of(Xhtml.NONE, Xhtml.NONE), rows.get(0).get(2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void criterionTextWithMarkupCharactersIsEscaped(Path input) {
    Group group = group(input);
    List<String> awkward = awkwardCriteria(group);
    for (IParser parser : List.of(Conversions.FHIR.newJsonParser(), Conversions.FHIR.newXmlParser())) {
      Group back = parser.parseResource(Group.class, parser.encodeResourceToString(group));
      XhtmlNode div = back.getText().getDiv();
      for (String criterion : awkward) {
        assertTrue(div.allText().contains(criterion), "lost or mangled in the narrative: " + criterion);
      }
      // no "<" of a criterion opened an element: only the ones the writer uses are there
      List<String> elements = elements(div);
      assertTrue(elements.stream().allMatch(NarrativeWriterTest::allowed), elements.toString());
    }
  }

  @Test
  void greaterThanInNct06412458CriterionIsWrittenAsAnEntity() {
    // CT.gov eligibility, NCT06412458 inclusion 9: "Left ventricular ejection fraction was >50%;"
    Group group = group(NCT06412458);
    assertTrue(awkwardCriteria(group).contains("Left ventricular ejection fraction was >50%;"));
    String json = Conversions.FHIR.newJsonParser().encodeResourceToString(group);
    assertTrue(json.contains("ejection fraction was &gt;50%"), "\">\" is written as &gt; in the div");
    assertFalse(json.contains("ejection fraction was >50%</li>"), "a raw \">\" in the div");
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  private static Group group(Path input) {
    return (Group) Conversions.of(input).trial().resources().stream()
        .filter(Group.class::isInstance).findFirst().orElseThrow();
  }

  /** The criterion texts holding "<", ">" or "&". */
  private static List<String> awkwardCriteria(Group group) {
    List<String> awkward = new ArrayList<>();
    for (GroupCharacteristicComponent characteristic : group.getCharacteristic()) {
      if (characteristic.hasValueCodeableConcept()) {
        String text = characteristic.getValueCodeableConcept().getText();
        if (text != null && text.matches("(?s).*[<>&].*")) {
          awkward.add(text);
        }
      }
    }
    return awkward;
  }

  private static PlanDefinition plan(Path input) {
    return (PlanDefinition) Conversions.of(input).trial().resources().stream()
        .filter(PlanDefinition.class::isInstance).findFirst().orElseThrow();
  }

  /** The resource's div as a client sees it: encoded to JSON and parsed back. */
  private static XhtmlNode reparsed(DomainResource resource) {
    IParser json = Conversions.FHIR.newJsonParser();
    DomainResource back = (DomainResource) json.parseResource(json.encodeResourceToString(resource));
    assertEquals(NarrativeStatus.GENERATED, back.getText().getStatus());
    return back.getText().getDiv();
  }

  /** The element right after the bold heading {@code heading}, or null. */
  private static XhtmlNode section(XhtmlNode div, String heading) {
    List<XhtmlNode> children = div.getChildNodes().stream().filter(n -> n.getNodeType() == NodeType.Element).toList();
    for (int i = 0; i < children.size() - 1; i++) {
      if (children.get(i).getName().equals("p") && children.get(i).allText().equals(heading)) {
        return children.get(i + 1);
      }
    }
    return null;
  }

  /** The body rows of the table after {@code heading}: row → cell → the cell's lines (split at br). */
  private static List<List<List<String>>> table(XhtmlNode div, String heading) {
    XhtmlNode table = section(div, heading);
    assertNotNull(table, "no section " + heading);
    assertEquals("table", table.getName());
    List<List<List<String>>> rows = new ArrayList<>();
    for (XhtmlNode row : table.getElement("tbody").getChildNodes()) {
      if (!"tr".equals(row.getName())) {
        continue;
      }
      List<List<String>> cells = new ArrayList<>();
      for (XhtmlNode cell : row.getChildNodes()) {
        if ("td".equals(cell.getName())) {
          cells.add(lines(cell));
        }
      }
      rows.add(cells);
    }
    return rows;
  }

  private static List<String> lines(XhtmlNode cell) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (XhtmlNode node : cell.getChildNodes()) {
      if (node.getNodeType() == NodeType.Element && "br".equals(node.getName())) {
        lines.add(line.toString());
        line.setLength(0);
      } else {
        line.append(node.allText());
      }
    }
    lines.add(line.toString());
    return lines;
  }

  private static List<String> elements(XhtmlNode node) {
    List<String> names = new ArrayList<>();
    for (XhtmlNode child : node.getChildNodes()) {
      if (child.getNodeType() == NodeType.Element) {
        names.add(child.getName());
        names.addAll(elements(child));
      }
    }
    return names;
  }

  private static boolean allowed(String element) {
    return List.of("p", "b", "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "br").contains(element);
  }
}
