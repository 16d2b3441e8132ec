package org.trialfhir.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.matching.EligibilityEvaluator;
import org.trialfhir.matching.StudyCandidate;
import org.trialfhir.matching.TrialMatcher;
import org.trialfhir.store.TrialStore;

/**
 * The {@link TrialMatcher} over the store's current trials: every ResearchStudy with the Group its enrollment points
 * to and the countries of its sites. Built on first use from the store handed over a batch at a time, keeping of
 * each study only what ranking needs and which versions it was read from ({@link StudySources}): a match reads the
 * studies of the page it answers again, at those versions. After writes, brought up to date from the store's change
 * feed, reading again only the studies a write touched (their ResearchStudy, their Group, or one of their sites), so
 * a match after a write does not re-read every study.
 */
final class StoreCandidates {
  /** Feed entries read per step while catching up; past {@link #REBUILD_AFTER} changed resources, start over. */
  private static final int FEED_STEP = 1000;
  private static final int REBUILD_AFTER = 20_000;

  private final TrialStore store;
  private final EligibilityEvaluator evaluator;
  private final Executor readers;
  private final int parallelism;
  private volatile Built built;

  /** A matcher, the store position it was built at, and where each of its studies was read from, by study id. */
  private record Built(TrialMatcher matcher, long position, Map<String, StudySources> byStudy) {}

  /**
   * Candidates from {@code store}; a full build reads eligibility on {@code parallelism} threads, its own and tasks of
   * {@code readers} (1: its own only).
   */
  StoreCandidates(TrialStore store, EligibilityEvaluator evaluator, Executor readers, int parallelism) {
    this.store = store;
    this.evaluator = evaluator;
    this.readers = readers;
    this.parallelism = parallelism;
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
        built = next != null ? next : rebuilt();
      }
      return built.matcher();
    }
  }

  /**
   * Every study read again, the store handed over a batch at a time: a study's Group and sites are found in its batch
   * (a trial's resources are stored together), else read by id ({@link StudySources.Reader}). Built at the position
   * {@link TrialStore#current} returns; a match follows the feed on from there.
   */
  private Built rebuilt() {
    TrialMatcher.Builder builder = TrialMatcher.builder(evaluator, null);
    Map<String, StudySources> byStudy = new HashMap<>();
    StudySources.Reader reader = new StudySources.Reader(store);
    long position = store.current(Set.of("ResearchStudy", "Group", "Location"), batch -> {
      Map<String, TrialStore.Version> groups = new HashMap<>();
      for (TrialStore.Version version : batch) {
        if (!version.deleted()) {
          switch (version.type()) {
            case "Group" -> groups.put(version.id(), version);
            case "Location" -> reader.seen(version);
            default -> { }
          }
        }
      }
      List<StudyCandidate> candidates = new ArrayList<>();
      for (TrialStore.Version version : batch) {
        if (!version.deleted() && version.type().equals("ResearchStudy")) {
          StudySources.Read read = reader.read((ResearchStudy) version.resource(), version.versionId(), groups);
          candidates.add(read.candidate());
          byStudy.put(read.sources().id(), read.sources());
        }
      }
      try {
        builder.addAll(candidates, readers, parallelism);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("$match: the matcher build was stopped");
      }
    });
    return new Built(builder.build(details(byStudy)), position, byStudy);
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
    if (!groups.isEmpty() || !locations.isEmpty()) {
      current.byStudy().forEach((id, sources) -> {
        if (sources.references(groups, locations)) {
          studies.add(id);
        }
      });
    }
    TrialMatcher.Builder builder = TrialMatcher.builder(evaluator, current.matcher());
    Map<String, StudySources> byStudy = new HashMap<>(current.byStudy());
    for (String id : byStudy.keySet()) {
      if (!studies.contains(id)) {
        builder.keep(id);
      }
    }
    StudySources.Reader reader = new StudySources.Reader(store);
    for (String id : studies) {
      byStudy.remove(id);
      store.read("ResearchStudy", id).ifPresent(study -> add(builder, byStudy,
          reader.read((ResearchStudy) study, StudySources.versionOf(study), Map.of())));
    }
    return new Built(builder.build(details(byStudy)), position, byStudy);
  }

  private static void add(TrialMatcher.Builder builder, Map<String, StudySources> byStudy,
      StudySources.Read read) {
    builder.add(read.candidate());
    byStudy.put(read.sources().id(), read.sources());
  }

  /** The studies of a page read again at the versions the matcher read them at. */
  private TrialMatcher.Details details(Map<String, StudySources> byStudy) {
    return id -> {
      StudySources sources = byStudy.get(id);
      Resource study = read("ResearchStudy", id, sources.version());
      Group group = sources.group() == null ? null : (Group) read("Group", sources.group(), sources.groupVersion());
      // The detail pass reads no country: the filters were applied when ranking.
      return new StudyCandidate((ResearchStudy) study, group, Set.of());
    };
  }

  private Resource read(String type, String id, int version) {
    return store.vread(type, id, Integer.toString(version)).orElseThrow(() -> new IllegalStateException(
        "$match: " + type + "/" + id + "/_history/" + version + ", read to rank it, can no longer be read"));
  }
}
