package org.trialfhir.matching;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.ResearchStudy;

/**
 * Matches one patient against many studies, with no server: reads every study's eligibility once, and keeps a small
 * index of their conditions (SNOMED CT codes, and the rarest word stem of each condition name) so that a patient is
 * evaluated only against the studies one of whose conditions it could have, the studies that state no condition,
 * and only those whose age range it could be in. The index narrows with the same tests the evaluation applies
 * ({@link DiagnosisMatcher}), so it never drops a study the evaluation would keep. With {@code includeIneligible}
 * every study that passes the filters is evaluated.
 *
 * <p>A match works in two passes. First every candidate is graded from its criteria's statuses alone, with no text:
 * each threshold, topic, condition set and age range is worked out once for the patient ({@link PatientFacts}), and
 * each criterion rule once ({@link CriterionRule}: the thousands of studies that repeat one read its status from an
 * array); a candidate stops at its first criterion not met, unless {@code includeIneligible}. Then only the studies of
 * the page asked for are evaluated again with every criterion's text, evidence and explanation, from the same
 * statuses.
 *
 * <p>Ranking needs little of a study: its conditions, age range and sex (shared by many studies), the numbers of its
 * criteria's rules, and what the filters test. A matcher made with {@link #builder} keeps only that (a few hundred
 * bytes a study), and reads the studies of the page asked for again through its {@link Details}; one made with {@link
 * #of} holds its candidates whole.
 *
 * <p>Immutable and thread-safe once built; build a new one when the studies change, from the previous one to read
 * again only the studies that changed.
 */
public final class TrialMatcher {
  private static final String REGISTRY_STATUS = "https://trialfhir.org/fhir/StructureDefinition/registry-status";
  /** The best score, in ten-thousandths (scores have four decimals). */
  private static final int MAXIMUM_SCORE = 10_000;

  /**
   * Where the detail pass of a matcher that keeps only what ranking needs ({@link Builder}) finds a study again: its
   * ResearchStudy and eligibility Group as they were when the matcher read them.
   */
  @FunctionalInterface
  public interface Details {
    StudyCandidate of(String studyId);
  }

  /**
   * One study as the matcher holds it to rank it: its id, what grading needs besides its decidable criteria, the
   * numbers of the rules of its {@link StudyCriteria#decidable()} criteria among the matcher's, and what the filters
   * test. {@code held}: the candidate and its criteria in full, for a matcher built from candidates in memory (null
   * when its {@link Details} finds them).
   */
  private record Indexed(String id, StudyCriteria.Core core, int[] decidable, Set<String> phases,
      Set<String> statuses, Set<String> countries, Held held) {}

  /** A study in full: the candidate, and its criteria read with every text. */
  private record Held(StudyCandidate candidate, StudyCriteria criteria) {}

  private final EligibilityEvaluator evaluator;
  private final List<Indexed> studies;
  private final Details details;
  /**
   * The distinct rules of the criteria patient data may decide, numbered: a match keeps each one's status by number,
   * in an array, which the thousands of studies that repeat a rule read far faster than any map. A matcher built from
   * another numbers the other's rules as it did, so that the studies it keeps keep their numbers.
   */
  private final List<CriterionRule> decidable;
  private final boolean[] coded;
  private final Map<String, BitSet> bySnomed = new HashMap<>();
  private final Map<String, BitSet> byStem = new HashMap<>();
  private final BitSet withoutConditions = new BitSet();

  private TrialMatcher(EligibilityEvaluator evaluator, List<Indexed> studies, List<CriterionRule> decidable,
      Details details) {
    this.evaluator = evaluator;
    this.studies = studies;
    this.decidable = decidable;
    this.details = details;
    this.coded = new boolean[decidable.size()];
    for (int n = 0; n < coded.length; n++) {
      coded[n] = decidable.get(n).coded();
    }
    Map<String, Integer> stemCounts = new HashMap<>();
    for (Indexed study : studies) {
      for (Set<String> form : study.core().conditions().forms()) {
        form.forEach(stem -> stemCounts.merge(stem, 1, Integer::sum));
      }
    }
    for (int i = 0; i < studies.size(); i++) {
      StudyCriteria.Conditions conditions = studies.get(i).core().conditions();
      if (conditions.labels().isEmpty()) {
        withoutConditions.set(i);
        continue;
      }
      for (String code : conditions.snomed()) {
        bySnomed.computeIfAbsent(code, c -> new BitSet()).set(i);
      }
      for (Set<String> form : conditions.forms()) {
        // A patient's name covers the form only if it has all its stems, so any one of them finds it: the rarest
        // keeps the candidate sets small.
        String rarest = form.stream().min(Comparator.comparingInt(stemCounts::get)).orElseThrow();
        byStem.computeIfAbsent(rarest, s -> new BitSet()).set(i);
      }
    }
  }

  /** Reads every candidate's eligibility and indexes it. */
  public static TrialMatcher of(List<StudyCandidate> candidates, EligibilityEvaluator evaluator) {
    return of(candidates, evaluator, null);
  }

  /**
   * Indexes the candidates, reading the eligibility of those that are new or changed: a candidate whose
   * ResearchStudy and Group are the very instances {@code previous} (null for none) was built from keeps what was
   * read from them then (resources are immutable once stored). The sites' countries are taken afresh. The matcher
   * holds the candidates: for a few studies, or tests; {@link #builder} keeps only what ranking needs.
   */
  public static TrialMatcher of(List<StudyCandidate> candidates, EligibilityEvaluator evaluator,
      TrialMatcher previous) {
    Map<ResearchStudy, Indexed> before = new IdentityHashMap<>();
    if (previous != null && previous.evaluator == evaluator) {
      previous.studies.stream().filter(study -> study.held() != null)
          .forEach(study -> before.put(study.held().candidate().study(), study));
    }
    Builder builder = new Builder(evaluator, previous, new Interner());
    for (StudyCandidate candidate : candidates) {
      Indexed old = before.get(candidate.study());
      boolean same = old != null && old.held().candidate().eligibility() == candidate.eligibility();
      builder.add(candidate, same ? old : null, true);
    }
    return builder.build(null);
  }

  /**
   * A builder of a matcher that keeps of each study only what ranking needs, and finds the studies of the page asked
   * for again through {@link Details}: the studies are read one at a time, and none is held whole. From {@code
   * previous} (null for none), it can keep studies unchanged since without reading them again.
   */
  public static Builder builder(EligibilityEvaluator evaluator, TrialMatcher previous) {
    // Criteria and limits carry their study's ids and texts: sharing them would keep every study's texts.
    return new Builder(evaluator, previous, new Interner(v -> !(v instanceof Criterion || v instanceof Limit)));
  }

  /** Adds studies one at a time, in any order; not thread-safe. */
  public static final class Builder {
    private final EligibilityEvaluator evaluator;
    private final TrialMatcher previous;
    private final Interner interner;
    private final Map<CriterionRule, Integer> numbers = new IdentityHashMap<>();
    private final List<CriterionRule> decidable = new ArrayList<>();
    private final List<Indexed> studies = new ArrayList<>();

    private Builder(EligibilityEvaluator evaluator, TrialMatcher previous, Interner interner) {
      this.evaluator = evaluator;
      this.previous = previous != null && previous.evaluator == evaluator ? previous : null;
      this.interner = interner;
      if (this.previous != null) {
        for (CriterionRule rule : this.previous.decidable) {
          number(interner.intern(rule));
        }
      }
    }

    /** Reads a study's eligibility; the matcher keeps only what ranking needs of it. */
    public void add(StudyCandidate candidate) {
      add(candidate, null, false);
    }

    /**
     * Adds the studies as {@link #add} one at a time in this order would, reading their eligibility (most of a build's
     * time: the criteria's texts) on the calling thread and on {@code parallelism - 1} tasks of {@code readers} at
     * once. Only the reading is shared out; the studies are then added in order, so the matcher is the same.
     *
     * @throws InterruptedException if interrupted while the readers are at work
     */
    public void addAll(List<StudyCandidate> candidates, Executor readers, int parallelism)
        throws InterruptedException {
      StudyCriteria[] read = new StudyCriteria[candidates.size()];
      int slices = Math.max(1, Math.min(parallelism, candidates.size()));
      List<CompletableFuture<Void>> others = new ArrayList<>();
      for (int slice = 1; slice < slices; slice++) {
        int first = slice;
        others.add(CompletableFuture.runAsync(() -> read(candidates, read, first, slices), readers));
      }
      read(candidates, read, 0, slices);
      for (CompletableFuture<Void> other : others) {
        try {
          other.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException cause) {
            throw cause;
          }
          throw new IllegalStateException("$match: reading eligibility failed", e.getCause());
        }
      }
      for (int i = 0; i < read.length; i++) {
        add(candidates.get(i), read[i], null, false);
      }
    }

    /** Reads every {@code step}-th candidate from {@code first}: interleaved, so slices of a batch cost alike. */
    private void read(List<StudyCandidate> candidates, StudyCriteria[] read, int first, int step) {
      for (int i = first; i < read.length; i += step) {
        StudyCandidate candidate = candidates.get(i);
        read[i] = evaluator.read(candidate.study(), candidate.eligibility(), interner);
      }
    }

    /**
     * Keeps a study of the previous matcher as it was read; it is then unchanged (its ResearchStudy, Group and
     * sites). False when the previous matcher has no study with that id.
     */
    public boolean keep(String studyId) {
      Indexed old = previous == null ? null : previous.indexed(studyId);
      if (old != null) {
        studies.add(old);
      }
      return old != null;
    }

    /** The matcher over the studies added and kept; {@code details} finds those it does not hold. */
    public TrialMatcher build(Details details) {
      // In id order, so that a study's position breaks ties of score as its id does.
      List<Indexed> byId = studies.stream().sorted(Comparator.comparing(Indexed::id)).toList();
      return new TrialMatcher(evaluator, byId, List.copyOf(decidable), details);
    }

    /** Adds a candidate, keeping what {@code old} read of it when not null; holds it whole when {@code hold}. */
    private void add(StudyCandidate candidate, Indexed old, boolean hold) {
      add(candidate, old != null ? old.held().criteria()
          : evaluator.read(candidate.study(), candidate.eligibility(), interner), old, hold);
    }

    /** Adds a candidate whose eligibility reads as {@code criteria}; see {@link #add(StudyCandidate, Indexed, boolean)}. */
    private void add(StudyCandidate candidate, StudyCriteria criteria, Indexed old, boolean hold) {
      ResearchStudy study = candidate.study();
      Set<String> countries = interner.intern(
          Set.copyOf(candidate.countries().stream().map(MatchText::normalize).toList()));
      int[] decidableNumbers = new int[criteria.decidable().size()];
      for (int i = 0; i < decidableNumbers.length; i++) {
        decidableNumbers[i] = number(criteria.decidable().get(i).rule());
      }
      studies.add(old != null
          ? new Indexed(old.id(), old.core(), decidableNumbers, old.phases(), old.statuses(), countries,
              new Held(candidate, criteria))
          : new Indexed(criteria.id(), interner.intern(criteria.core()), decidableNumbers,
              interner.intern(phases(study)), interner.intern(statuses(study)), countries,
              hold ? new Held(candidate, criteria) : null));
    }

    private int number(CriterionRule rule) {
      return numbers.computeIfAbsent(rule, c -> {
        decidable.add(c);
        return decidable.size() - 1;
      });
    }
  }

  /** What the matcher read of a study (null when it holds none with that id): for tests and diagnostics. */
  StudyCriteria criteria(String studyId) {
    Indexed study = indexed(studyId);
    return study == null ? null : detailed(study, new Interner()).criteria();
  }

  /** The study with that id, found in the id order the studies are kept in; null when there is none. */
  private Indexed indexed(String studyId) {
    int low = 0;
    int high = studies.size() - 1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      int order = studies.get(middle).id().compareTo(studyId);
      if (order == 0) {
        return studies.get(middle);
      } else if (order < 0) {
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return null;
  }

  /** A study in full: as held, or found through the details and read again (through {@code interner}). */
  private Held detailed(Indexed study, Interner interner) {
    if (study.held() != null) {
      return study.held();
    }
    StudyCandidate candidate = details.of(study.id());
    return new Held(candidate, evaluator.read(candidate.study(), candidate.eligibility(), interner));
  }

  /** How many studies the matcher holds. */
  public int size() {
    return studies.size();
  }

  /**
   * The studies the patient may be eligible for on the day, best first (score, then id); with
   * {@code includeIneligible}, the certainly-not ones too, after the others. Every one in detail.
   */
  public List<StudyMatch> match(PatientData patient, MatchFilters filters, LocalDate on) {
    return match(patient, filters, on, 0, Integer.MAX_VALUE).matches();
  }

  /**
   * The studies the patient may be eligible for on the day, ranked as {@link #match(PatientData, MatchFilters,
   * LocalDate)} ranks them: how many in all, and the {@code count} from position {@code offset} (0 for the best) in
   * detail.
   */
  public MatchPage match(PatientData patient, MatchFilters filters, LocalDate on, int offset, int count) {
    if (offset < 0 || count < 0) {
      throw new IllegalArgumentException("offset and count must not be negative: " + offset + ", " + count);
    }
    PatientFacts facts = evaluator.facts(patient, on);
    CriterionStatus[] known = new CriterionStatus[decidable.size()];
    // Only the ranking is kept of every candidate: score and position (the studies are in id order), packed so that
    // sorting the numbers puts the best first, ties by id.
    BitSet candidates = candidates(patient, filters);
    long[] ranking = new long[candidates.cardinality()];
    int ranked = 0;
    for (int i = candidates.nextSetBit(0); i >= 0; i = candidates.nextSetBit(i + 1)) {
      Indexed study = studies.get(i);
      if (!passes(study, filters)) {
        continue;
      }
      StudyEvaluation.Standing standing = standing(study, facts, known, !filters.includeIneligible());
      if (standing != null) {
        ranking[ranked++] = (long) (MAXIMUM_SCORE - standing.score().movePointRight(4).intValueExact()) << 32 | i;
      }
    }
    Arrays.sort(ranking, 0, ranked);
    int from = Math.min(offset, ranked);
    int to = (int) Math.min((long) from + count, ranked);
    List<StudyMatch> page = new ArrayList<>(to - from);
    // The page's studies read again share their parts with one another only, not with the matcher: the facts work
    // those out again, with the same results.
    Interner pageParts = new Interner();
    for (int r = from; r < to; r++) {
      Indexed study = studies.get((int) ranking[r]);
      Held held = detailed(study, pageParts);
      StudyEvaluation evaluation = evaluator.evaluate(held.criteria(), facts);
      assert new StudyEvaluation.Standing(evaluation.grade(), evaluation.score())
          .equals(standing(study, facts, known, false)) : evaluation.studyId() + ": ranked otherwise than evaluated";
      page.add(new StudyMatch(held.candidate().study(), evaluation));
    }
    return new MatchPage(ranked, page);
  }

  /**
   * The grade and score of a study from its criteria's statuses alone, with {@code known} the statuses of the
   * decidable criteria worked out so far in this match, by number; null as soon as a criterion is not met when
   * {@code certainlyNotIsNone} (the study is then certainly not a match, and not returned). The index only narrows by
   * one word stem, so most candidates of a patient with a diagnosis stop at their conditions or age.
   */
  private StudyEvaluation.Standing standing(Indexed study, PatientFacts facts, CriterionStatus[] known,
      boolean certainlyNotIsNone) {
    StudyEvaluation.Grader grader = evaluator.grader(study.core(), facts);
    if (certainlyNotIsNone && grader.notMet()) {
      return null;
    }
    for (int n : study.decidable()) {
      CriterionStatus status = known[n];
      if (status == null) {
        status = evaluator.status(decidable.get(n), facts);
        known[n] = status;
      }
      if (certainlyNotIsNone && status == CriterionStatus.NOT_MET) {
        return null;
      }
      grader.add(status, coded[n]);
    }
    return grader.standing();
  }

  private BitSet candidates(PatientData patient, MatchFilters filters) {
    BitSet all = new BitSet();
    if (filters.includeIneligible() || patient.conditions().isEmpty()) {
      all.set(0, studies.size());
      return all;
    }
    all.or(withoutConditions);
    for (PatientData.PatientCondition condition : patient.conditions()) {
      for (String code : condition.snomed()) {
        BitSet found = bySnomed.get(code);
        if (found != null) {
          all.or(found);
        }
      }
      Set<String> stems = new HashSet<>();
      condition.stems().forEach(name -> name.forEach(stem -> stems.addAll(ConditionNames.standsFor(stem))));
      for (String stem : stems) {
        BitSet found = byStem.get(stem);
        if (found != null) {
          all.or(found);
        }
      }
    }
    return all;
  }

  private static boolean passes(Indexed study, MatchFilters filters) {
    return (filters.phases().isEmpty() || study.phases().stream().anyMatch(filters.phases()::contains))
        && (filters.statuses().isEmpty() || study.statuses().stream().anyMatch(filters.statuses()::contains))
        && (filters.countries().isEmpty() || study.countries().stream().anyMatch(filters.countries()::contains));
  }

  private static Set<String> phases(ResearchStudy study) {
    Set<String> codes = new HashSet<>();
    CodeableConcept phase = study.getPhase();
    for (Coding coding : phase.getCoding()) {
      if (coding.hasCode()) {
        codes.add(MatchText.normalize(coding.getCode()));
      }
    }
    return Set.copyOf(codes);
  }

  private static Set<String> statuses(ResearchStudy study) {
    Set<String> codes = new HashSet<>();
    if (study.hasStatus()) {
      codes.add(MatchText.normalize(study.getStatus().toCode()));
    }
    Extension registry = study.getExtensionByUrl(REGISTRY_STATUS);
    if (registry != null && registry.getValue() instanceof Coding coding && coding.hasCode()) {
      codes.add(MatchText.normalize(coding.getCode()));
    }
    return Set.copyOf(codes);
  }
}
