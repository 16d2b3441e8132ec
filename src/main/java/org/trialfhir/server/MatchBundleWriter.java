package org.trialfhir.server;

import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleEntrySearchComponent;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.StringType;
import org.trialfhir.matching.CriterionResult;
import org.trialfhir.matching.Evidence;
import org.trialfhir.matching.MatchPage;
import org.trialfhir.matching.MatchVocabulary;
import org.trialfhir.matching.StudyMatch;

/**
 * Writes a page of the studies a match returned as a {@code searchset} Bundle, best first, its {@code total} the
 * number of studies in all pages: each entry the stored ResearchStudy
 * with {@code search.mode = match}, {@code search.score}, the standard match-grade extension and one match-criterion
 * extension (profiles/StructureDefinition-match-criterion.json) per criterion.
 */
final class MatchBundleWriter {
  static final String MATCH_GRADE = "http://hl7.org/fhir/StructureDefinition/match-grade";
  static final String MATCH_CRITERION = "https://trialfhir.org/fhir/StructureDefinition/match-criterion";
  static final String STATUS_SYSTEM = "https://trialfhir.org/fhir/CodeSystem/match-criterion-status";

  private MatchBundleWriter() {}

  static Bundle write(MatchPage page, String serverBase, MatchVocabulary vocabulary) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    bundle.setTotal(page.total());
    for (StudyMatch match : page.matches()) {
      ResearchStudy study = match.study().copy();
      BundleEntryComponent entry = bundle.addEntry();
      entry.setFullUrl(serverBase + "/ResearchStudy/" + study.getIdElement().getIdPart());
      entry.setResource(study);
      BundleEntrySearchComponent search = entry.getSearch();
      search.setMode(Bundle.SearchEntryMode.MATCH);
      search.setScore(match.evaluation().score());
      search.addExtension(MATCH_GRADE, new CodeType(match.evaluation().grade().code()));
      for (CriterionResult result : match.evaluation().criteria()) {
        search.addExtension(criterion(result, vocabulary));
      }
    }
    return bundle;
  }

  private static Extension criterion(CriterionResult result, MatchVocabulary vocabulary) {
    Extension extension = new Extension(MATCH_CRITERION);
    extension.addExtension("id", new StringType(result.id()));
    extension.addExtension("exclude", new BooleanType(result.exclude()));
    extension.addExtension("text", new StringType(result.text() == null || result.text().isBlank()
        ? result.id() : result.text()));
    extension.addExtension("status", new CodeType(result.status().code()));
    for (String topic : result.topics()) {
      extension.addExtension("topic", new Coding(MatchVocabulary.TOPIC_SYSTEM, topic, vocabulary.topicDisplay(topic)));
    }
    for (Evidence evidence : result.evidence()) {
      Extension used = extension.addExtension().setUrl("evidence");
      if (evidence.reference() != null && !evidence.reference().isBlank()) {
        used.addExtension("reference", new Reference(evidence.reference()));
      }
      used.addExtension("value", new StringType(evidence.value()));
    }
    if (result.explanation() != null && !result.explanation().isBlank()) {
      extension.addExtension("explanation", new StringType(result.explanation()));
    }
    return extension;
  }
}
