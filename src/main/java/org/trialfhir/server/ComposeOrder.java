package org.trialfhir.server;

import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ConceptReferenceComponent;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetComponent;
import org.hl7.fhir.r4.model.ValueSet.ValueSetExpansionContainsComponent;

/**
 * Orders the codes of an expansion as the ValueSet lists them: its includes in turn, each include's concepts in the
 * order it names them, or, when it takes a whole code system, in that CodeSystem's order (depth first). Codes it cannot
 * place come last, by system and code, so paging through an expansion is stable.
 */
final class ComposeOrder implements Comparator<ValueSetExpansionContainsComponent> {
  private final Map<String, Integer> rank = new HashMap<>();

  ComposeOrder(IValidationSupport chain, ValueSet valueSet) {
    for (ConceptSetComponent include : valueSet.getCompose().getInclude()) {
      String system = include.getSystem();
      if (include.hasConcept()) {
        for (ConceptReferenceComponent concept : include.getConcept()) {
          place(system, concept.getCode());
        }
      } else if (system != null && chain.fetchCodeSystem(system) instanceof CodeSystem codeSystem) {
        placeAll(system, codeSystem.getConcept());
      }
    }
  }

  private void placeAll(String system, List<ConceptDefinitionComponent> concepts) {
    for (ConceptDefinitionComponent concept : concepts) {
      place(system, concept.getCode());
      placeAll(system, concept.getConcept());
    }
  }

  private void place(String system, String code) {
    rank.putIfAbsent(key(system, code), rank.size());
  }

  @Override
  public int compare(ValueSetExpansionContainsComponent a, ValueSetExpansionContainsComponent b) {
    int byRank = Integer.compare(rankOf(a), rankOf(b));
    if (byRank != 0) {
      return byRank;
    }
    int bySystem = String.valueOf(a.getSystem()).compareTo(String.valueOf(b.getSystem()));
    return bySystem != 0 ? bySystem : String.valueOf(a.getCode()).compareTo(String.valueOf(b.getCode()));
  }

  private int rankOf(ValueSetExpansionContainsComponent code) {
    return rank.getOrDefault(key(code.getSystem(), code.getCode()), Integer.MAX_VALUE);
  }

  private static String key(String system, String code) {
    return system + "|" + code;
  }
}
