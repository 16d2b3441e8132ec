package org.trialfhir.server;

import java.util.ArrayList;
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
import org.trialfhir.matching.StudyCandidate;
import org.trialfhir.store.TrialStore;

/**
 * Which resources the matcher read a study from: the ResearchStudy's version, the Group its enrollment points to (the
 * first reference that is one; null when none is) and its version, and the ids of its site Locations. A match reads
 * the study again at these versions to detail it; a write to the Group or one of the sites makes it read anew.
 */
record StudySources(String id, int version, String group, int groupVersion, String[] sites) {
  /** A study read: the candidate the matcher reads, and where it came from. */
  record Read(StudyCandidate candidate, StudySources sources) {}

  /** Whether the study's Group is one of {@code groups} or one of its sites one of {@code locations}. */
  boolean references(Set<String> groups, Set<String> locations) {
    if (group != null && groups.contains(group)) {
      return true;
    }
    for (String site : sites) {
      if (locations.contains(site)) {
        return true;
      }
    }
    return false;
  }

  static int versionOf(Resource resource) {
    return Integer.parseInt(resource.getMeta().getVersionId());
  }

  /**
   * Reads studies' Groups and sites, from the batch of the store at hand or else by id. Sites are shared by many
   * studies, so the countries of the latest {@link #SITES} Locations seen are kept (with their ids, which the studies'
   * sources then share).
   */
  static final class Reader {
    private static final int SITES = 50_000;

    /** A Location's id and the country of its address (null when it has none, or is no Location). */
    private record Site(String id, String country) {}

    private final TrialStore store;
    private final Map<String, Site> sites = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Site> eldest) {
        return size() > SITES;
      }
    };

    Reader(TrialStore store) {
      this.store = store;
    }

    /** A current Location version handed over by the store. */
    void seen(TrialStore.Version location) {
      sites.put(location.id(), site(location.id(), location.resource()));
    }

    /**
     * A study at version {@code version}, its Group found among {@code groups} (current versions by id) or read; the
     * first enrollment that is a Group, and the countries of the sites that are Locations with one, as {@link
     * StudyCandidate#of} takes them.
     */
    Read read(ResearchStudy study, int version, Map<String, TrialStore.Version> groups) {
      Group group = null;
      String groupId = null;
      int groupVersion = 0;
      for (Reference enrollment : study.getEnrollment()) {
        String[] parts = parts(enrollment);
        if (parts.length == 2 && parts[0].equals("Group")) {
          TrialStore.Version inBatch = groups.get(parts[1]);
          Resource resource = inBatch != null ? inBatch.resource() : store.read("Group", parts[1]).orElse(null);
          if (resource instanceof Group g) {
            group = g;
            groupId = parts[1];
            groupVersion = inBatch != null ? inBatch.versionId() : versionOf(g);
            break;
          }
        }
      }
      Set<String> countries = new LinkedHashSet<>();
      List<String> siteIds = new ArrayList<>();
      for (Reference reference : study.getSite()) {
        String[] parts = parts(reference);
        if (parts.length == 2 && parts[0].equals("Location")) {
          Site site = sites.computeIfAbsent(parts[1],
              id -> site(id, store.read("Location", id).orElse(null)));
          siteIds.add(site.id());
          if (site.country() != null) {
            countries.add(site.country());
          }
        }
      }
      StudySources sources = new StudySources(study.getIdElement().getIdPart(), version, groupId, groupVersion,
          siteIds.toArray(String[]::new));
      return new Read(new StudyCandidate(study, group, countries), sources);
    }

    private static Site site(String id, Resource resource) {
      return new Site(id, resource instanceof Location location && location.getAddress().hasCountry()
          ? location.getAddress().getCountry().intern() : null);
    }

    private static String[] parts(Reference reference) {
      return reference.hasReference() ? reference.getReference().split("/") : new String[0];
    }
  }
}
