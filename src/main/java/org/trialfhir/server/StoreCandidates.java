package org.trialfhir.server;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.matching.EligibilityEvaluator;
import org.trialfhir.matching.StudyCandidate;
import org.trialfhir.matching.TrialMatcher;
import org.trialfhir.store.TrialStore;

/**
 * The {@link TrialMatcher} over the store's current trials: every ResearchStudy with the Group its enrollment points
 * to and the countries of its sites. Built on first use and rebuilt when the store's ResearchStudies, Groups or
 * Locations change, reading again only the studies whose ResearchStudy or Group changed, so a match never reads
 * eligibility text twice for the same versions.
 */
final class StoreCandidates {
  private final TrialStore store;
  private final EligibilityEvaluator evaluator;
  private volatile Built built;

  /** A matcher and the store lists it was built from (compared by identity: the store shares unchanged lists). */
  private record Built(TrialMatcher matcher, List<Resource> studies, List<Resource> groups, List<Resource> locations) {}

  StoreCandidates(TrialStore store, EligibilityEvaluator evaluator) {
    this.store = store;
    this.evaluator = evaluator;
  }

  TrialMatcher matcher() {
    List<Resource> studies = store.all("ResearchStudy");
    List<Resource> groups = store.all("Group");
    List<Resource> locations = store.all("Location");
    Built current = built;
    if (current != null && same(current.studies(), studies) && same(current.groups(), groups)
        && same(current.locations(), locations)) {
      return current.matcher();
    }
    synchronized (this) {
      current = built;
      if (current == null || !same(current.studies(), studies) || !same(current.groups(), groups)
          || !same(current.locations(), locations)) {
        // From the previous matcher: only the studies whose ResearchStudy or Group changed are read again.
        TrialMatcher matcher = TrialMatcher.of(candidates(studies), evaluator,
            current == null ? null : current.matcher());
        current = new Built(matcher, studies, groups, locations);
        built = current;
      }
      return current.matcher();
    }
  }

  /** The same resources in the same order: the lists themselves, or element by element (a store may copy lists). */
  private static boolean same(List<Resource> a, List<Resource> b) {
    if (a == b) {
      return true;
    }
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  private List<StudyCandidate> candidates(List<Resource> studies) {
    List<StudyCandidate> candidates = new ArrayList<>(studies.size());
    for (Resource resource : studies) {
      candidates.add(StudyCandidate.of((ResearchStudy) resource, this::resolve));
    }
    return candidates;
  }

  private Resource resolve(Reference reference) {
    if (!reference.hasReference()) {
      return null;
    }
    String[] parts = reference.getReference().split("/");
    return parts.length == 2 ? store.read(parts[0], parts[1]).orElse(null) : null;
  }
}
