package org.trialfhir.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.ResearchStudy.ResearchStudyStatus;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.store.TrialStore;

/**
 * A read-only {@link TrialStore} of {@code count} synthetic trials made on demand, never held: per trial a
 * ResearchStudy (status, phase, one or two conditions drawn by Zipf's law from 108, a title and a short description,
 * keywords, one to five sites, a sponsor) and its eligibility Group (age range, sometimes a sex), and one Location per
 * 25 trials in 38 countries (China 41%, United States 22%, as the corpus generator draws them). For benchmarks of
 * the search index at sizes no test imports: {@link #current} makes every resource once, a read makes one again.
 */
final class SyntheticTrials implements TrialStore {
  private static final Instant WRITTEN = Instant.parse("2025-07-01T00:00:00Z");
  private static final String PHASES = "http://terminology.hl7.org/CodeSystem/research-study-phase";
  private static final String[] CONDITIONS = conditions();
  private static final String[] COUNTRIES = {"China", "United States", "Germany", "France", "Spain", "Italy",
      "United Kingdom", "Japan", "Korea, Republic of", "Canada", "Australia", "Israel", "Netherlands", "Belgium",
      "Switzerland", "Sweden", "Denmark", "Norway", "Finland", "Austria", "Poland", "Czechia", "Brazil", "Mexico",
      "Argentina", "India", "Singapore", "Taiwan", "Hong Kong", "Iran", "Turkey", "Egypt", "Russian Federation",
      "Greece", "Portugal", "Ireland", "New Zealand", "Malaysia"};
  private static final String[] WORDS = ("patients relapsed refractory cells infusion chimeric antigen receptor "
      + "lymphodepletion fludarabine cyclophosphamide dose escalation safety efficacy response remission toxicity "
      + "cytokine release syndrome neurotoxicity autologous allogeneic expansion persistence survival").split(" ");

  private final int count;
  private final int locations;

  SyntheticTrials(int count) {
    this.count = count;
    this.locations = Math.max(1, count / 25);
  }

  @Override
  public long current(Consumer<List<Version>> batches) {
    hand(batches, locations, this::location);
    hand(batches, count, this::group);
    hand(batches, count, this::study);
    return 1;
  }

  private static void hand(Consumer<List<Version>> batches, int count, IntFunction<Resource> make) {
    for (int from = 0; from < count; from += 5000) {
      List<Version> batch = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + 5000); i++) {
        Resource resource = make.apply(i);
        batch.add(new Version(resource.fhirType(), resource.getIdElement().getIdPart(), 1, WRITTEN, resource));
      }
      batches.accept(batch);
    }
  }

  @Override
  public Optional<Resource> read(String type, String id) {
    int dash = id.indexOf('-');
    try {
      return switch (type) {
        case "ResearchStudy" -> Optional.of(study(Integer.parseInt(id.substring(3)) - 9_000_000));
        case "Group" -> Optional.of(group(Integer.parseInt(id.substring(3, dash)) - 9_000_000));
        case "Location" -> Optional.of(location(Integer.parseInt(id.substring(4))));
        default -> Optional.empty();
      };
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<Resource> vread(String type, String id, String versionId) {
    return "1".equals(versionId) ? read(type, id) : Optional.empty();
  }

  @Override
  public long position() {
    return 1;
  }

  @Override
  public List<Committed> changesSince(long after, int max) {
    return List.of();
  }

  @Override
  public PreparedWrite prepare(List<? extends Change> changes) {
    throw new UnsupportedOperationException("synthetic trials are read-only");
  }

  @Override
  public List<WriteResult> applyAll(List<? extends PreparedWrite> writes) {
    throw new UnsupportedOperationException("synthetic trials are read-only");
  }

  @Override
  public List<Version> history(String type, String id) {
    return read(type, id).map(r -> List.of(new Version(type, id, 1, WRITTEN, r))).orElse(List.of());
  }

  @Override
  public List<Resource> all(String type) {
    throw new UnsupportedOperationException("searches must not list a type");
  }

  private Resource study(int i) {
    SplittableRandom random = new SplittableRandom(i * 0x9E3779B97F4A7C15L + 1);
    ResearchStudy study = new ResearchStudy();
    String id = "NCT" + (9_000_000 + i);
    stamp(study, id);
    study.setStatus(pick(random, new ResearchStudyStatus[] {ResearchStudyStatus.ACTIVE, ResearchStudyStatus.COMPLETED,
        ResearchStudyStatus.APPROVED, ResearchStudyStatus.CLOSEDTOACCRUAL, ResearchStudyStatus.WITHDRAWN,
        ResearchStudyStatus.ADMINISTRATIVELYCOMPLETED, ResearchStudyStatus.TEMPORARILYCLOSEDTOACCRUAL},
        new double[] {0.36, 0.14, 0.10, 0.08, 0.04, 0.27, 0.01}));
    String phase = pick(random, new String[] {"phase-1", "phase-1-phase-2", "phase-2", "early-phase-1", "n-a",
        "phase-3"}, new double[] {0.50, 0.20, 0.12, 0.10, 0.06, 0.02});
    study.setPhase(new CodeableConcept(new Coding(PHASES, phase, null)));
    String condition = CONDITIONS[zipf(random, CONDITIONS.length)];
    study.addCondition(new CodeableConcept().setText(condition));
    if (random.nextInt(5) == 0) {
      study.addCondition(new CodeableConcept().setText(CONDITIONS[zipf(random, CONDITIONS.length)]));
    }
    study.setTitle("A Phase " + phase + " Study of CD19 CAR-T Cells in " + condition + " (" + id + ")");
    StringBuilder description = new StringBuilder("This study evaluates CAR-T cells in ").append(condition);
    for (int w = 0; w < 40; w++) {
      description.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
    }
    study.setDescription(description.toString());
    study.addKeyword(new CodeableConcept().setText(random.nextBoolean() ? "CD19" : "BCMA"));
    study.addKeyword(new CodeableConcept().setText("CAR-T"));
    for (int s = 0, sites = 1 + zipf(random, 5); s < sites; s++) {
      study.addSite(new Reference("Location/loc-" + random.nextInt(locations)));
    }
    study.setSponsor(new Reference("Organization/org-" + zipf(random, 2400)));
    study.addEnrollment(new Reference("Group/" + id + "-eligibility"));
    return study;
  }

  private Resource group(int i) {
    SplittableRandom random = new SplittableRandom(i * 0x632BE59BD9B4E019L + 7);
    Group group = new Group();
    stamp(group, "NCT" + (9_000_000 + i) + "-eligibility");
    group.setType(Group.GroupType.PERSON).setActual(false);
    Range age = new Range().setLow(new Quantity().setValue(18).setSystem("http://unitsofmeasure.org").setCode("a"));
    if (random.nextInt(5) < 2) {
      age.setHigh(new Quantity().setValue(65 + random.nextInt(16)).setSystem("http://unitsofmeasure.org").setCode("a"));
    }
    group.addCharacteristic().setCode(new CodeableConcept(new Coding("http://loinc.org", "30525-0", "Age")))
        .setValue(age).setExclude(false);
    if (random.nextInt(50) == 0) {
      group.addCharacteristic().setCode(new CodeableConcept(new Coding("http://loinc.org", "46098-0", "Sex")))
          .setValue(new CodeableConcept(new Coding("http://hl7.org/fhir/administrative-gender", "female", null)))
          .setExclude(false);
    }
    return group;
  }

  private Resource location(int i) {
    SplittableRandom random = new SplittableRandom(i * 0xD1B54A32D192ED03L + 3);
    Location location = new Location();
    stamp(location, "loc-" + i);
    double draw = random.nextDouble();
    String country = draw < 0.41 ? "China" : draw < 0.63 ? "United States"
        : COUNTRIES[2 + random.nextInt(COUNTRIES.length - 2)];
    location.setName("Site " + i);
    location.setAddress(new Address().setCity("City " + random.nextInt(120)).setCountry(country));
    return location;
  }

  private static void stamp(Resource resource, String id) {
    resource.setIdElement(new IdType(resource.fhirType(), id, "1"));
    resource.getMeta().setVersionId("1").setLastUpdated(java.util.Date.from(WRITTEN));
  }

  /** A rank from 0 to n - 1 by Zipf's law (exponent about 1), rank 0 the most frequent. */
  private static int zipf(SplittableRandom random, int n) {
    double harmonic = Math.log(n) + 0.5772;
    double target = random.nextDouble() * harmonic;
    double sum = 0;
    for (int k = 1; k <= n; k++) {
      sum += 1.0 / k;
      if (sum >= target) {
        return k - 1;
      }
    }
    return n - 1;
  }

  private static <T> T pick(SplittableRandom random, T[] values, double[] weights) {
    double draw = random.nextDouble();
    for (int i = 0; i < values.length; i++) {
      draw -= weights[i];
      if (draw < 0) {
        return values[i];
      }
    }
    return values[values.length - 1];
  }

  private static String[] conditions() {
    List<String> names = new ArrayList<>(List.of("Diffuse Large B-Cell Lymphoma", "B-cell Acute Lymphoblastic Leukemia",
        "Multiple Myeloma", "Acute Myeloid Leukemia", "Follicular Lymphoma", "Mantle Cell Lymphoma",
        "Chronic Lymphocytic Leukemia", "T-cell Acute Lymphoblastic Leukemia", "Hepatocellular Carcinoma",
        "Glioblastoma", "Systemic Lupus Erythematosus", "Neuroblastoma", "Ovarian Cancer", "Gastric Cancer",
        "Pancreatic Cancer", "Hodgkin Lymphoma", "Myasthenia Gravis", "Osteosarcoma", "Mesothelioma",
        "Non-small Cell Lung Cancer"));
    for (int i = names.size(); i < 108; i++) {
      names.add("Rare Condition " + i);
    }
    return names.toArray(String[]::new);
  }
}
