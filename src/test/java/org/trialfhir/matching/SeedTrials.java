package org.trialfhir.matching;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Reference;
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
    ResearchStudy study = null;
    Group group = null;
    Map<String, Location> locations = new LinkedHashMap<>();
    for (Resource resource : resources) {
      if (resource instanceof ResearchStudy s) {
        study = s;
      } else if (resource instanceof Group g) {
        group = g;
      } else if (resource instanceof Location l) {
        locations.put("Location/" + l.getIdElement().getIdPart(), l);
      }
    }
    Set<String> countries = new LinkedHashSet<>();
    for (Reference site : study.getSite()) {
      Location location = locations.get(site.getReference());
      if (location != null && location.getAddress().hasCountry()) {
        countries.add(location.getAddress().getCountry());
      }
    }
    return new StudyCandidate(study, group, countries);
  }
}
