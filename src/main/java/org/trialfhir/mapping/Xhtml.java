package org.trialfhir.mapping;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;

/**
 * Writes the parts narratives share (headings, tables, lists) into an {@link XhtmlBuilder}, and FHIR values
 * (quantities, ranges, concepts) as short human-readable text. Only elements and attributes FHIR narratives allow
 * (txt-1) are used.
 */
final class Xhtml {
  /** What an empty table cell shows. */
  static final String NONE = "—";
  /** The UCUM annotation of a score (ECOG, Karnofsky): a bare number to a reader. */
  private static final String SCORE = "{score}";

  /** Short names of the code systems our resources use; any other system is shown by its URL. */
  private static final Map<String, String> SYSTEM_NAMES = Map.of(
      "http://www.nlm.nih.gov/research/umls/rxnorm", "RxNorm",
      "http://snomed.info/sct", "SNOMED CT",
      "http://loinc.org", "LOINC");

  private Xhtml() {}

  /** A bold line: the resource's title or a section heading. */
  static void heading(XhtmlBuilder out, String text) {
    out.open("p").element("b", text).close();
  }

  static void paragraph(XhtmlBuilder out, String text) {
    out.element("p", text);
  }

  /** A table with one header row, left open in its body for rows; {@link #endTable} closes it. */
  static void table(XhtmlBuilder out, String... headers) {
    out.open("table").open("thead").open("tr");
    for (String name : headers) {
      out.element("th", name);
    }
    out.close().close().open("tbody");
  }

  static void endTable(XhtmlBuilder out) {
    out.close().close();
  }

  /** A two-column table of labelled facts, written only when it has a row. */
  static final class Facts {
    private record Fact(String label, String text, List<String> items) {}

    private final List<Fact> rows = new ArrayList<>();

    /** A labelled fact; none when {@code value} is blank. */
    Facts add(String label, String value) {
      if (has(value)) {
        rows.add(new Fact(label, value, List.of()));
      }
      return this;
    }

    /** A labelled list, after an optional line of text; none when the list is empty. */
    Facts add(String label, String text, List<String> items) {
      if (!items.isEmpty()) {
        rows.add(new Fact(label, text, List.copyOf(items)));
      }
      return this;
    }

    boolean isEmpty() {
      return rows.isEmpty();
    }

    void writeTo(XhtmlBuilder out) {
      if (rows.isEmpty()) {
        return;
      }
      out.open("table").open("tbody");
      for (Fact fact : rows) {
        out.open("tr").element("th", fact.label()).open("td");
        if (has(fact.text())) {
          out.text(fact.text());
        }
        if (!fact.items().isEmpty()) {
          list(out, fact.items());
        }
        out.close().close();
      }
      out.close().close();
    }
  }

  /** A table row of plain cells; a blank cell shows {@link #NONE}. */
  static void row(XhtmlBuilder out, String... cells) {
    out.open("tr");
    for (String cell : cells) {
      out.element("td", has(cell) ? cell : NONE);
    }
    out.close();
  }

  /** A cell holding one line per value, so a row can list what several actions share. */
  static void lines(XhtmlBuilder out, List<String> values) {
    out.open("td");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.open("br").close();
      }
      out.text(has(values.get(i)) ? values.get(i) : NONE);
    }
    out.close();
  }

  static void list(XhtmlBuilder out, List<String> items) {
    out.open("ul");
    items.forEach(item -> out.element("li", item));
    out.close();
  }

  // ---- values as text -------------------------------------------------------------------------------------

  static boolean has(String text) {
    return text != null && !text.isBlank();
  }

  /** The concept's text, else its first coding's display or code; null when it has none. */
  static String concept(CodeableConcept concept) {
    if (concept == null) {
      return null;
    }
    // A concept with a text is not empty: the walk over its elements that isEmpty makes is left for the others.
    if (concept.hasText()) {
      return concept.getText();
    }
    if (concept.isEmpty()) {
      return null;
    }
    Coding first = concept.getCodingFirstRep();
    return first.hasDisplay() ? first.getDisplay() : first.getCode();
  }

  /** The concept's text followed by its codings: "fludarabine (RxNorm 24698 fludarabine)". */
  static String coded(CodeableConcept concept) {
    String text = concept(concept);
    if (text == null) {
      return null;
    }
    List<String> codes = new ArrayList<>();
    for (Coding coding : concept.getCoding()) {
      if (coding.hasCode()) {
        String system = SYSTEM_NAMES.getOrDefault(coding.getSystem(), coding.getSystem());
        String code = (system == null ? "" : system + " ") + coding.getCode();
        codes.add(coding.hasDisplay() && !coding.getDisplay().equals(text) ? code + " " + coding.getDisplay() : code);
      }
    }
    return codes.isEmpty() ? text : text + " (" + String.join("; ", codes) + ")";
  }

  /** "≥ 1.5 x 10^9/L", "30 mg/m2", "5×10^8 cells". */
  static String quantity(Quantity quantity) {
    if (quantity == null || !quantity.hasValue()) {
      return null;
    }
    String comparator = quantity.hasComparator() ? comparator(quantity.getComparator().toCode()) + " " : "";
    String unit = unit(quantity);
    return comparator + number(quantity.getValue()) + (unit.isEmpty() ? "" : " " + unit);
  }

  /** "1×10^6–5×10^6 cells/kg", "≥ 60", "≤ 2". */
  static String range(Range range) {
    if (range == null || range.isEmpty()) {
      return null;
    }
    Quantity low = range.getLow();
    Quantity high = range.getHigh();
    if (low.hasValue() && high.hasValue()) {
      String unit = unit(high);
      return number(low.getValue()) + "–" + number(high.getValue()) + (unit.isEmpty() ? "" : " " + unit);
    }
    return low.hasValue() ? "≥ " + quantity(low) : "≤ " + quantity(high);
  }

  /** A number as registries write it: plain, or 1×10^7 from ten thousand up. */
  static String number(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    int exponent = stripped.precision() - stripped.scale() - 1;
    if (exponent < 4) {
      return stripped.toPlainString();
    }
    return stripped.movePointLeft(exponent).toPlainString() + "×10^" + exponent;
  }

  /** The unit as written, UCUM annotations without braces ("{cells}/kg" → "cells/kg"); none for a score. */
  static String unit(Quantity quantity) {
    if (SCORE.equals(quantity.getCode())) {
      return ""; // "ECOG 0–2", not "0–2 score"
    }
    if (quantity.hasUnit()) {
      return quantity.getUnit().replace("{", "").replace("}", "");
    }
    if (!quantity.hasCode() || quantity.getCode().matches("\\{[^}]*}")) {
      return "";
    }
    return quantity.getCode();
  }

  private static String comparator(String code) {
    switch (code) {
      case ">=":
        return "≥";
      case "<=":
        return "≤";
      default:
        return code;
    }
  }
}
