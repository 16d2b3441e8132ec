package org.trialfhir.server.search;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.PrimitiveType;

/**
 * One value a token search parameter can match: a system and code (either may be absent) and the text that goes
 * with it (a Coding's display, a CodeableConcept's text, an Identifier's type text), which {@code :text} searches.
 */
public record Coded(String system, String code, String text) {

  /** Each coding of the concept, then its text on its own. */
  public static List<Coded> of(CodeableConcept concept) {
    List<Coded> values = new ArrayList<>();
    if (concept == null) {
      return values;
    }
    for (Coding coding : concept.getCoding()) {
      values.add(new Coded(coding.getSystem(), coding.getCode(), coding.getDisplay()));
    }
    if (concept.hasText()) {
      values.add(new Coded(null, null, concept.getText()));
    }
    return values;
  }

  public static List<Coded> ofConcepts(List<CodeableConcept> concepts) {
    List<Coded> values = new ArrayList<>();
    concepts.forEach(concept -> values.addAll(of(concept)));
    return values;
  }

  public static List<Coded> ofIdentifiers(List<Identifier> identifiers) {
    List<Coded> values = new ArrayList<>();
    for (Identifier identifier : identifiers) {
      if (identifier.hasValue()) {
        values.add(new Coded(identifier.getSystem(), identifier.getValue(), identifier.getType().getText()));
      }
    }
    return values;
  }

  /** A coded enumeration ({@code status}), with the system its value set defines. */
  public static List<Coded> of(Enumeration<?> code) {
    return code == null || !code.hasValue()
        ? List.of()
        : List.of(new Coded(code.getSystem(), code.getValueAsString(), code.getDisplay()));
  }

  /** A bare code or boolean, which has no system. */
  public static List<Coded> of(PrimitiveType<?> value) {
    return value == null || !value.hasValue() ? List.of() : List.of(new Coded(null, value.getValueAsString(), null));
  }

  public boolean hasCode() {
    return code != null && !code.isEmpty();
  }
}
