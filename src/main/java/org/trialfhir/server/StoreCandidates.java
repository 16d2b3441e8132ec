package org.trialfhir.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.matching.EligibilityEvaluator;
import org.trialfhir.matching.StudyCandidate;
import org.trialfhir.matching.TrialMatcher;
import org.trialfhir.store.TrialStore;

/**
 * The {@link TrialMatcher} over the store's current trials: every ResearchStudy with the Group its enrollment points
 * to and the countries of its sites. Built on first use and rebuilt when the store has changed, reading again only
 * the studies whose ResearchStudy or Group instances changed (those the store still holds in its cache of parsed
 * versions are the same instances), so a match rarely reads eligibility text twice for the same versions.
 * eligibility text twice for the same versions.
 */
final class StoreCandidates {
  private final TrialStore store;
  private final EligibilityEvaluator evaluator;
  private volatile Built built;

  /** A matcher and the store position it was built at. */
  private record Built(TrialMatcher matcher, long position) {}

  StoreCandidates(TrialStore store, EligibilityEvaluator evaluator) {
    this.store = store;
    this.evaluator = evaluator;
  }

  /**
   * The matcher over the store's current trials, rebuilt after any write (the store's feed position moved). The
   * rebuild reads every ResearchStudy, Group and Location through {@link TrialStore#all}, which on the database
   * store fetches and parses each one.
   */
  TrialMatcher matcher() {
    long position = store.position();
    Built current = built;
    if (current != null && current.position() == position) {
      return current.matcher();
    }
    synchronized (this) {
      current = built;
      if (current == null || current.position() != position) {
        // From the previous matcher: only the studies whose ResearchStudy or Group changed are read again.
        TrialMatcher matcher = TrialMatcher.of(candidates(store.all("ResearchStudy")), evaluator,
            current == null ? null : current.matcher());
        current = new Built(matcher, position);
        built = current;
      }
      return current.matcher();
    }
  }

  /**
   * The studies with what they reference resolved from each referenced type read whole ({@link TrialStore#all}
   * reads a large type in pages and parses it in parallel): one read per type rather than one per reference.
   */
  private List<StudyCandidate> candidates(List<Resource> studies) {
    Map<String, Map<String, Resource>> byType = new HashMap<>();
    List<StudyCandidate> candidates = new ArrayList<>(studies.size());
    for (Resource resource : studies) {
      candidates.add(StudyCandidate.of((ResearchStudy) resource, reference -> resolve(reference, byType)));
    }
    return candidates;
  }

  private Resource resolve(Reference reference, Map<String, Map<String, Resource>> byType) {
    if (!reference.hasReference()) {
      return null;
    }
    String[] parts = reference.getReference().split("/");
    if (parts.length != 2) {
      return null;
    }
    Map<String, Resource> ofType = byType.computeIfAbsent(parts[0], type -> {
      Map<String, Resource> byId = new HashMap<>();
      store.all(type).forEach(r -> byId.put(r.getIdElement().getIdPart(), r));
      return byId;
    });
    return ofType.get(parts[1]);
  }
}
