package org.trialfhir.matching;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.testing.Cases;
import org.trialfhir.testing.Conversions;

/** The seed trials (one golden case each) converted as the importer does, as matcher candidates by registry id. */
final class SeedTrials {
  static final List<String> IDS = List.of("NCT03754764", "NCT06412458", "NCT06690827", "NCT07052565", "NCT07066982");

  private SeedTrials() {}

  static Map<String, StudyCandidate> candidates() {
    Map<String, StudyCandidate> candidates = new LinkedHashMap<>();
    for (String id : IDS) {
      candidates.put(id, candidate(Conversions.of(Cases.input(id)).trial().resources()));
    }
    return candidates;
  }

  /** A trial's ResearchStudy, its Group, and the countries of its Locations. */
  static StudyCandidate candidate(List<Resource> resources) {
    Map<String, Resource> byReference = new LinkedHashMap<>();
    ResearchStudy study = null;
    for (Resource resource : resources) {
      byReference.put(resource.fhirType() + "/" + resource.getIdElement().getIdPart(), resource);
      if (resource instanceof ResearchStudy s) {
        study = s;
      }
    }
    return StudyCandidate.of(study, reference -> byReference.get(reference.getReference()));
  }
}
