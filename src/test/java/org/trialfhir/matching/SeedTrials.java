package org.trialfhir.matching;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.testing.Cases;
import org.trialfhir.testing.Conversions;

/** The seed trials (one golden case each) converted as the importer does, as matcher candidates by registry id. */
final class SeedTrials {
  static final List<String> IDS = List.of("NCT03754764", "NCT06412458", "NCT06690827", "NCT07052565", "NCT07066982");

  private SeedTrials() {}

  /**
   * The seed trials and a renamed copy of each ({@code COPY-} before the id, the same criteria), the copies' site
   * countries given by {@code countries}: equal criteria in two studies, which the matcher must share and tell apart.
   */
  static List<StudyCandidate> withRenamedCopies(Function<StudyCandidate, Set<String>> countries) {
    List<StudyCandidate> seeds = List.copyOf(candidates().values());
    List<StudyCandidate> all = new ArrayList<>(seeds);
    for (StudyCandidate seed : seeds) {
      ResearchStudy copy = seed.study().copy();
      copy.setId("COPY-" + seed.study().getIdElement().getIdPart());
      all.add(new StudyCandidate(copy, seed.eligibility().copy(), countries.apply(seed)));
    }
    return List.copyOf(all);
  }

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
