package org.trialfhir.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.matching.EligibilityEvaluator;
import org.trialfhir.matching.StudyCandidate;
import org.trialfhir.matching.TrialMatcher;
import org.trialfhir.store.TrialStore;

/**
 * The {@link TrialMatcher} over the store's current trials: every ResearchStudy with the Group its enrollment points
 * to and the countries of its sites. Built on first use; after writes, brought up to date from the store's change
 * feed, reading again only the studies a write touched (their ResearchStudy, their Group, or one of their sites), so
 * a match after a write does not re-read every study.
 */
final class StoreCandidates {
  /** Feed entries read per step while catching up; past {@link #REBUILD_AFTER} changed resources, start over. */
  private static final int FEED_STEP = 1000;
  private static final int REBUILD_AFTER = 20_000;

  private final TrialStore store;
  private final EligibilityEvaluator evaluator;
  private volatile Built built;

  /** A matcher, the store position it was built at, and its candidates by study id. */
  private record Built(TrialMatcher matcher, long position, Map<String, StudyCandidate> byStudy) {}

  StoreCandidates(TrialStore store, EligibilityEvaluator evaluator) {
    this.store = store;
    this.evaluator = evaluator;
  }

  /** The matcher over the store's current trials as of the store's position now. */
  TrialMatcher matcher() {
    long position = store.position();
    Built current = built;
    if (current != null && current.position() == position) {
      return current.matcher();
    }
    synchronized (this) {
      current = built;
      if (current == null || current.position() != position) {
        Built next = current == null ? null : followed(current, position);
        built = next != null ? next : rebuilt(current, position);
      }
      return built.matcher();
    }
  }

  /** Every study read again (one read per referenced type), keeping what {@code previous} read of unchanged ones. */
  private Built rebuilt(Built previous, long position) {
    Map<String, Map<String, Resource>> byType = new HashMap<>();
    Map<String, StudyCandidate> byStudy = new LinkedHashMap<>();
    for (Resource resource : store.all("ResearchStudy")) {
      byStudy.put(resource.getIdElement().getIdPart(),
          StudyCandidate.of((ResearchStudy) resource, reference -> resolveFromAll(reference, byType)));
    }
    return built(byStudy, previous, position);
  }

  /**
   * {@code current} brought to {@code position} from the change feed: the studies whose ResearchStudy, Group or site
   * Location changed are read again, the others kept. Null when too much changed (a rebuild is then cheaper).
   */
  private Built followed(Built current, long position) {
    Set<String> studies = new HashSet<>();
    Set<String> groups = new HashSet<>();
    Set<String> locations = new HashSet<>();
    int changed = 0;
    for (long after = current.position(); after < position; ) {
      List<TrialStore.Committed> changes = store.changesSince(after, FEED_STEP);
      if (changes.isEmpty()) {
        return null;
      }
      for (TrialStore.Committed committed : changes) {
        for (TrialStore.Version version : committed.versions()) {
          switch (version.type()) {
            case "ResearchStudy" -> studies.add(version.id());
            case "Group" -> groups.add(version.id());
            case "Location" -> locations.add(version.id());
            default -> { }
          }
        }
        changed += committed.versions().size();
        after = committed.seq();
      }
      if (changed > REBUILD_AFTER) {
        return null;
      }
    }
    Map<String, StudyCandidate> byStudy = new LinkedHashMap<>(current.byStudy());
    if (!groups.isEmpty() || !locations.isEmpty()) {
      byStudy.forEach((id, candidate) -> {
        if (references(candidate.study().getEnrollment(), "Group", groups)
            || references(candidate.study().getSite(), "Location", locations)) {
          studies.add(id);
        }
      });
    }
    for (String id : studies) {
      store.read("ResearchStudy", id).ifPresentOrElse(
          study -> byStudy.put(id, StudyCandidate.of((ResearchStudy) study, this::resolve)),
          () -> byStudy.remove(id));
    }
    return built(byStudy, current, position);
  }

  private Built built(Map<String, StudyCandidate> byStudy, Built previous, long position) {
    // Unchanged candidates are the previous matcher's instances: it keeps what it read of them.
    TrialMatcher matcher = TrialMatcher.of(new ArrayList<>(byStudy.values()), evaluator,
        previous == null ? null : previous.matcher());
    return new Built(matcher, position, byStudy);
  }

  private static boolean references(List<Reference> references, String type, Set<String> ids) {
    if (ids.isEmpty()) {
      return false;
    }
    for (Reference reference : references) {
      String[] parts = reference.hasReference() ? reference.getReference().split("/") : new String[0];
      if (parts.length == 2 && parts[0].equals(type) && ids.contains(parts[1])) {
        return true;
      }
    }
    return false;
  }

  private Resource resolve(Reference reference) {
    String[] parts = reference.hasReference() ? reference.getReference().split("/") : new String[0];
    return parts.length == 2 ? store.read(parts[0], parts[1]).orElse(null) : null;
  }

  /**
   * A reference resolved from each referenced type read whole ({@link TrialStore#all} reads a large type in pages and
   * parses it in parallel): one read per type rather than one per reference.
   */
  private Resource resolveFromAll(Reference reference, Map<String, Map<String, Resource>> byType) {
    String[] parts = reference.hasReference() ? reference.getReference().split("/") : new String[0];
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
