package org.trialfhir.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trialfhir.source.TrialRecord.Criterion;

class CriteriaParserTest {

  private final List<Diagnostic> diagnostics = new ArrayList<>();

  private List<Criterion> parse(String text) {
    List<SourceLine> lines = new ArrayList<>();
    String[] raw = text.split("\n", -1);
    for (int i = 0; i < raw.length; i++) {
      lines.add(new SourceLine(i + 1, raw[i]));
    }
    return CriteriaParser.parse(lines, "Inclusion Criteria", diagnostics);
  }

  private static List<String> labels(List<Criterion> criteria) {
    return criteria.stream().map(Criterion::label).toList();
  }

  @Test
  void readsNumberedItemsWithDots() {
    List<Criterion> c = parse("  1. Male or female participant\n  2. 12 Years to 70 Years (Child, Adult, Senior)");
    assertEquals(List.of("1.", "2."), labels(c));
    assertEquals("12 Years to 70 Years (Child, Adult, Senior)", c.get(1).text());
  }

  @Test
  void readsBulletsOfBothKinds() {
    assertEquals(List.of("*", "*"), labels(parse("* Expected survival ≥3 months;\n* Diagnosis: sarcoma")));
    assertEquals(List.of("•", "•"), labels(parse("• first\n• second")));
  }

  @Test
  void readsParenthesisedNumbersWithInnerSpaceAndTakesThemOutOfTheirBullet() {
    // MedPath wraps the whole list in one bullet: "• ( 1) At the time..." then "(2) Bone marrow...".
    List<Criterion> c = parse("  • ( 1) At least 18 years of age.\n\n    (2) Bone marrow function satisfies: WBC≥3×10^9/L;");
    assertEquals(List.of("(1)", "(2)"), labels(c));
    assertEquals("At least 18 years of age.", c.get(0).text());
  }

  @Test
  void splitsCriteriaRunTogetherOnOneLine() {
    // "(3)ALT≤3×ULN。 (4) Renal ... (5) INR..." and "disorder.(2) Those with..." are separate criteria.
    List<Criterion> c = parse("(1) CNS disease.(2) Heart disease.(3)ALT≤3×ULN。 (4) Renal: CrCl≥30mL/min. (5) INR≤1.5×ULN");
    assertEquals(List.of("(1)", "(2)", "(3)", "(4)", "(5)"), labels(c));
    assertEquals("ALT≤3×ULN。", c.get(2).text());
    assertEquals("INR≤1.5×ULN", c.get(4).text());
  }

  @Test
  void doesNotSplitAtNumbersThatDoNotContinueAnOpenList() {
    // Inside "(6)RA: ... 1) DAS28-ESR>3.2 ...; or 2) the dose ..." the "1)" "2)" are the criterion's own text.
    List<Criterion> c = parse("(5) INR≤1.5×ULN. (6)RA: prior DMARDs: 1) DAS28-ESR>3.2 or CDAI>10; or 2) the dose cannot be reduced");
    assertEquals(List.of("(5)", "(6)"), labels(c));
    assertEquals("RA: prior DMARDs: 1) DAS28-ESR>3.2 or CDAI>10; or 2) the dose cannot be reduced", c.get(1).text());
    assertTrue(c.get(1).children().isEmpty());
  }

  @Test
  void nestsRestartedNumberingAndReturnsToTheOuterList() {
    String text = String.join("\n",
        "5. Use of any of the following prior to cell collection:",
        "",
        "1. Surgical treatment within 4 weeks;",
        "2. Immunotherapy within 4 weeks;",
        "6. Other untreated malignant tumors;");
    List<Criterion> c = parse(text);
    assertEquals(List.of("5.", "6."), labels(c));
    assertEquals(List.of("1.", "2."), labels(c.get(0).children()));
  }

  @Test
  void nestsBulletsUnderParenthesisedItemsUnderNumberedItems() {
    String text = String.join("\n",
        "3. Confirmed diagnosis of relapsed AML or BPDCN:",
        "",
        "(1) For AML patients:",
        "",
        "* Relapsed refers to ...;",
        "* Refractory refers to ...;",
        "",
        "(2) For BPDCN patients: no response.",
        "",
        "4\\. Expected survival time of more than 12 weeks;");
    List<Criterion> c = parse(text);
    assertEquals(List.of("3.", "4."), labels(c));
    assertEquals(List.of("(1)", "(2)"), labels(c.get(0).children()));
    assertEquals(List.of("*", "*"), labels(c.get(0).children().get(0).children()));
    assertEquals("Expected survival time of more than 12 weeks;", c.get(1).text());
  }

  @Test
  void splitsInlineNumberThatContinuesAnOuterList() {
    // "6. Blood oxygen saturation \>92%. 8. The patient..." — 8 continues the outer list, not the inner one.
    String text = String.join("\n",
        "7\\. Basic normal function of important organs:",
        "1. Blood routine: platelets \\>50×109/L;",
        "6. Blood oxygen saturation \\>92%. 8. The patient agrees to participate.");
    List<Criterion> c = parse(text);
    assertEquals(List.of("7.", "8."), labels(c));
    assertEquals("Blood oxygen saturation >92%.", c.get(0).children().get(1).text());
    assertEquals("The patient agrees to participate.", c.get(1).text());
  }

  @Test
  void joinsAnItemSplitAcrossLines() {
    // An unlabelled line right after an item continues it; a bullet inside an open parenthesis does too.
    String text = String.join("\n",
        "4. Liver function: ALT and AST ≤3.0×ULN (for patients with liver invasion",
        "",
        "* 5.0×ULN);",
        "5. Total bilirubin ≤2.0×ULN",
        "(for patients with Gilbert's syndrome ≤3.0×ULN);");
    List<Criterion> c = parse(text);
    assertEquals(List.of("4.", "5."), labels(c));
    assertEquals("Liver function: ALT and AST ≤3.0×ULN (for patients with liver invasion * 5.0×ULN);", c.get(0).text());
    assertEquals("Total bilirubin ≤2.0×ULN (for patients with Gilbert's syndrome ≤3.0×ULN);", c.get(1).text());
    assertFalse(diagnostics.isEmpty(), "the join at an open parenthesis is reported");
  }

  @Test
  void keepsANotesBlockWithItsOwnNumberedItems() {
    String text = String.join("\n",
        "3. Recurrent or refractory osteosarcoma.",
        "",
        "Notes:",
        "",
        "1. Standard treatment failure was defined as relapse;",
        "2. Intolerance means toxic side effects;",
        "",
        "1)Absolute neutrophil count (ANC) ≥ 1.5 x 10\\^9/L; 2)Platelets ≥75 x 10\\^9/L;");
    List<Criterion> c = parse(text);
    assertEquals(java.util.Arrays.asList("3.", null), labels(c));
    Criterion notes = c.get(1);
    assertEquals("Notes:", notes.text());
    assertEquals(List.of("1.", "2."), labels(notes.children()));
    List<Criterion> labs = notes.children().get(1).children();
    assertEquals(List.of("1)", "2)"), labels(labs));
    assertEquals("Absolute neutrophil count (ANC) ≥ 1.5 x 10^9/L;", labs.get(0).text());
  }

  @Test
  void keepsEveryWordOfTheInput() {
    String text = "1. Age ≥ 16 years; 2. Diagnosis of osteosarcoma\nconfirmed by pathology\n\nfree paragraph here";
    List<Criterion> c = parse(text);
    StringBuilder all = new StringBuilder();
    collect(c, all);
    for (String word : RegistryText.unescape(text.replace('\n', ' ')).split(" ")) {
      assertTrue(all.toString().contains(word), () -> "lost: " + word);
    }
  }

  private static void collect(List<Criterion> criteria, StringBuilder into) {
    for (Criterion criterion : criteria) {
      into.append(criterion.label()).append(' ').append(criterion.text()).append(' ');
      collect(criterion.children(), into);
    }
  }
}
