package org.trialfhir.server.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.IQueryParameterAnd;
import ca.uhn.fhir.rest.param.QuantityParam;
import ca.uhn.fhir.util.FhirTerser;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Group.GroupCharacteristicComponent;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PlanDefinition.PlanDefinitionActionComponent;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.ResearchStudy.ResearchStudyStatus;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * Every search parameter the server implements, per resource type: what each reads from a resource. It is the one
 * place the matching, sorting, chaining, {@code _include} and {@code _revinclude} rules look up; the resource
 * providers declare the same names to HAPI (a test checks the two agree, and that the CapabilityStatement lists
 * them all with their definitions).
 */
public final class SearchParams {

  /** LOINC "Age" and "Sex", the codes of the eligibility Group's age and sex characteristics (DESIGN.md). */
  static final String LOINC = "http://loinc.org";
  static final String AGE_CODE = "30525-0";
  static final String SEX_CODE = "46098-0";
  static final String UCUM = "http://unitsofmeasure.org";
  static final String GENDER_SYSTEM = "http://hl7.org/fhir/administrative-gender";

  private static final Set<String> GENDERS = Arrays.stream(AdministrativeGender.values())
      .filter(g -> g != AdministrativeGender.NULL)
      .map(AdministrativeGender::toCode)
      .collect(Collectors.toUnmodifiableSet());
  private static final Set<String> PUBLICATION_STATUSES = Arrays.stream(PublicationStatus.values())
      .filter(s -> s != PublicationStatus.NULL)
      .map(PublicationStatus::toCode)
      .collect(Collectors.toUnmodifiableSet());
  private static final Set<String> STUDY_STATUSES = Arrays.stream(ResearchStudyStatus.values())
      .filter(s -> s != ResearchStudyStatus.NULL)
      .map(ResearchStudyStatus::toCode)
      .collect(Collectors.toUnmodifiableSet());
  private static final Set<String> BOOLEANS = Set.of("true", "false");
  /** UCUM time units an age may be given in, as fractions of a year. */
  private static final Map<String, BigDecimal> YEARS_PER_UNIT = Map.of(
      "a", BigDecimal.ONE,
      "mo", BigDecimal.ONE.divide(BigDecimal.valueOf(12), MathContext.DECIMAL64),
      "wk", BigDecimal.valueOf(7).divide(new BigDecimal("365.25"), MathContext.DECIMAL64),
      "d", BigDecimal.ONE.divide(new BigDecimal("365.25"), MathContext.DECIMAL64));

  private final FhirContext fhirContext;
  private final Resolver resolver;
  private final Map<String, Map<String, ParamDef>> byType = new LinkedHashMap<>();
  private final Predicates predicates = new Predicates(this);
  private volatile SearchIndex index;

  public SearchParams(FhirContext fhirContext, Resolver resolver) {
    this.fhirContext = fhirContext;
    this.resolver = resolver;
    researchStudy();
    planDefinition();
    metadata("ActivityDefinition", false);
    group();
    organization();
    location();
    practitioner();
    metadata("StructureDefinition", true);
    add("StructureDefinition", new ParamDef.Uri("type", r -> listOf(((StructureDefinition) r).getType())));
    metadata("ValueSet", true);
    metadata("CodeSystem", true);
    metadata("ConceptMap", true);
    metadata("SearchParameter", true);
    add("SearchParameter", new ParamDef.Token("code", r -> Coded.of(((SearchParameter) r).getCodeElement())));
    add("SearchParameter", new ParamDef.Token("base",
        r -> ((SearchParameter) r).getBase().stream().flatMap(b -> Coded.of(b).stream()).toList()));
    metadata("OperationDefinition", true);
    add("OperationDefinition", new ParamDef.Token("code", r -> Coded.of(((OperationDefinition) r).getCodeElement())));
  }

  public FhirContext fhirContext() {
    return fhirContext;
  }

  public Resolver resolver() {
    return resolver;
  }

  /** The types with search parameters, in registration order. */
  public Set<String> types() {
    return Collections.unmodifiableSet(byType.keySet());
  }

  /** The parameters of a type by name. */
  public Map<String, ParamDef> of(String type) {
    return Collections.unmodifiableMap(byType.getOrDefault(type, Map.of()));
  }

  public Optional<ParamDef> find(String type, String name) {
    return Optional.ofNullable(byType.getOrDefault(type, Map.of()).get(name));
  }

  /** A new search over the current resources of a type. */
  public Query query(String type) {
    if (!byType.containsKey(type)) {
      throw new IllegalArgumentException("no search parameters for " + type);
    }
    return new Query(this, type);
  }

  /**
   * The index searches run on: built over the resolver's store on first use (every stored resource parsed once),
   * then following the store's writes.
   */
  public SearchIndex index() {
    SearchIndex built = index;
    if (built == null) {
      synchronized (this) {
        if (index == null) {
          index = new SearchIndex(this, resolver.store());
        }
        built = index;
      }
    }
    return built;
  }

  Predicates.Filter filter(String type, String name, IQueryParameterAnd<?> and) {
    ParamDef def = find(type, name)
        .orElseThrow(() -> new IllegalStateException(type + " has no search parameter " + name));
    return predicates.of(type, def, and);
  }

  // ---- the definitions -----------------------------------------------------------------------------------

  private void add(String type, ParamDef def) {
    ParamDef previous = byType.computeIfAbsent(type, t -> new LinkedHashMap<>()).put(def.name(), def);
    if (previous != null) {
      throw new IllegalStateException(type + " defines " + def.name() + " twice");
    }
  }

  /** {@code _id} and {@code _lastUpdated}, which every type has. */
  private void common(String type) {
    add(type, new ParamDef.Token("_id", r -> List.of(new Coded(null, r.getIdElement().getIdPart(), null))));
    add(type, new ParamDef.Date("_lastUpdated", r -> listOf(DateSpan.of(r.getMeta().getLastUpdatedElement()))));
  }

  private void researchStudy() {
    String t = "ResearchStudy";
    common(t);
    add(t, new ParamDef.Str("_content", this::content, true));
    add(t, new ParamDef.Token("identifier", r -> Coded.ofIdentifiers(study(r).getIdentifier())));
    add(t, new ParamDef.Str("title", r -> listOf(study(r).getTitle())));
    add(t, new ParamDef.Token("status", r -> Coded.of(study(r).getStatusElement()), STUDY_STATUSES));
    add(t, new ParamDef.Token("keyword", r -> Coded.ofConcepts(study(r).getKeyword())));
    add(t, new ParamDef.Token("category", r -> Coded.ofConcepts(study(r).getCategory())));
    add(t, new ParamDef.Token("focus", r -> Coded.ofConcepts(study(r).getFocus())));
    add(t, new ParamDef.Token("condition", r -> Coded.ofConcepts(study(r).getCondition())));
    add(t, new ParamDef.Token("phase", r -> Coded.of(study(r).getPhase())));
    add(t, new ParamDef.Date("date", r -> listOf(DateSpan.of(study(r).getPeriod()))));
    add(t, new ParamDef.Ref("site", Set.of("Location"), r -> references(study(r).getSite())));
    add(t, new ParamDef.Ref("sponsor", Set.of("Organization"), r -> references(listOf(study(r).getSponsor()))));
    add(t, new ParamDef.Ref("principalinvestigator", Set.of("Practitioner"),
        r -> references(listOf(study(r).getPrincipalInvestigator()))));
    add(t, new ParamDef.Ref("protocol", Set.of("PlanDefinition"), r -> references(study(r).getProtocol())));
    add(t, new ParamDef.Ref("enrollment", Set.of("Group"), r -> references(study(r).getEnrollment())));
    // Read from the Group the study's enrollment points to, when searching: a changed Group changes what they find.
    add(t, new ParamDef.Through("enrollment", "Group",
        new ParamDef.Quantity("eligible-age", SearchParams::ageLimits, SearchParams::admitsAge)));
    add(t, new ParamDef.Through("enrollment", "Group",
        new ParamDef.Token("eligible-sex", SearchParams::admittedSexes, GENDERS)));
  }

  private void planDefinition() {
    metadata("PlanDefinition", false);
    add("PlanDefinition", new ParamDef.Ref("definition", Set.of("ActivityDefinition"),
        r -> definitions(((PlanDefinition) r).getAction())));
  }

  /**
   * {@code url}, {@code name}, {@code title} (but R4's SearchParameter has none), {@code status} and optionally
   * {@code version} of a canonical type.
   */
  private void metadata(String type, boolean version) {
    common(type);
    add(type, new ParamDef.Uri("url", r -> listOf(meta(r).getUrl())));
    add(type, new ParamDef.Str("name", r -> listOf(meta(r).getName())));
    if (!"SearchParameter".equals(type)) {
      // R4 SearchParameter has no title.
      add(type, new ParamDef.Str("title", r -> listOf(meta(r).getTitle())));
    }
    add(type, new ParamDef.Token("status", r -> Coded.of(meta(r).getStatusElement()), PUBLICATION_STATUSES));
    if (version) {
      add(type, new ParamDef.Token("version", r -> Coded.of(meta(r).getVersionElement())));
    }
  }

  private void group() {
    String t = "Group";
    common(t);
    add(t, new ParamDef.Token("characteristic",
        r -> ((Group) r).getCharacteristic().stream().flatMap(c -> Coded.of(c.getCode()).stream()).toList()));
    add(t, new ParamDef.Token("value", r -> ((Group) r).getCharacteristic().stream()
        .flatMap(c -> c.getValue() instanceof CodeableConcept concept
            ? Coded.of(concept).stream()
            : c.getValue() instanceof BooleanType bool ? Coded.of(bool).stream() : Stream.empty())
        .toList()));
    add(t, new ParamDef.Token("exclude", r -> ((Group) r).getCharacteristic().stream()
        .flatMap(c -> Coded.of(c.getExcludeElement()).stream()).toList(), BOOLEANS));
    add(t, new ParamDef.Token("actual", r -> Coded.of(((Group) r).getActualElement()), BOOLEANS));
    add(t, new ParamDef.Token("type", r -> Coded.of(((Group) r).getTypeElement())));
  }

  private void organization() {
    common("Organization");
    add("Organization", new ParamDef.Str("name", r -> {
      Organization o = (Organization) r;
      List<String> names = new ArrayList<>(listOf(o.getName()));
      o.getAlias().forEach(alias -> names.add(alias.getValue()));
      return names;
    }));
  }

  private void location() {
    String t = "Location";
    common(t);
    add(t, new ParamDef.Str("name", r -> listOf(((Location) r).getName())));
    add(t, new ParamDef.Str("address", r -> addressParts(((Location) r).getAddress())));
    add(t, new ParamDef.Str("address-city", r -> listOf(((Location) r).getAddress().getCity())));
    add(t, new ParamDef.Str("address-state", r -> listOf(((Location) r).getAddress().getState())));
    add(t, new ParamDef.Str("address-country", r -> listOf(((Location) r).getAddress().getCountry())));
  }

  private void practitioner() {
    common("Practitioner");
    add("Practitioner", new ParamDef.Str("name", r -> {
      List<String> parts = new ArrayList<>();
      for (HumanName name : ((Practitioner) r).getName()) {
        parts.add(name.getText());
        parts.add(name.getFamily());
        name.getGiven().forEach(given -> parts.add(given.getValue()));
        name.getPrefix().forEach(prefix -> parts.add(prefix.getValue()));
        name.getSuffix().forEach(suffix -> parts.add(suffix.getValue()));
      }
      parts.removeIf(part -> part == null || part.isEmpty());
      return parts;
    }));
  }

  // ---- eligibility rules ---------------------------------------------------------------------------------

  /** An eligibility Group's age characteristic: from {@code low} years, below {@code below} years (null: open). */
  record AgeLimit(BigDecimal low, BigDecimal below, boolean exclude) {}

  /** The age characteristics of an eligibility Group (null for no Group), what {@code eligible-age} tests. */
  private static Object ageLimits(Resource resource) {
    if (!(resource instanceof Group group)) {
      return null;
    }
    List<AgeLimit> limits = new ArrayList<>();
    for (GroupCharacteristicComponent c : group.getCharacteristic()) {
      if (isCoded(c.getCode(), AGE_CODE) && c.getValue() instanceof Range range) {
        BigDecimal low = range.hasLow() ? inYears(range.getLow()) : null;
        BigDecimal below = null;
        if (range.hasHigh()) {
          Quantity high = range.getHigh();
          BigDecimal factor = YEARS_PER_UNIT.get(high.getCode());
          // The whole of the last unit is admitted: "to 75 Years" ends at the 76th birthday.
          if (factor != null && high.hasValue()) {
            below = high.getValue().add(BigDecimal.ONE).multiply(factor);
          }
        }
        limits.add(new AgeLimit(low, below, c.getExclude()));
      }
    }
    return List.copyOf(limits);
  }

  /**
   * {@code eligible-age}: the studies whose eligibility Group admits a person of the given age. A unit-less value
   * is in years; UCUM {@code a}, {@code mo}, {@code wk} and {@code d} are understood. A limit stated in whole units
   * covers that whole unit, as registries mean it ("up to 75 Years" admits 75 years and 11 months). A study whose
   * Group states no age limit admits every age.
   */
  private static Predicate<Object> admitsAge(QuantityParam value) {
    String unit = value.getUnits() == null || value.getUnits().isEmpty() ? "a" : value.getUnits();
    if (value.getSystem() != null && !value.getSystem().isEmpty() && !UCUM.equals(value.getSystem())) {
      throw new IllegalArgumentException("the unit system must be UCUM (" + UCUM + "), not " + value.getSystem());
    }
    BigDecimal factor = YEARS_PER_UNIT.get(unit);
    if (factor == null) {
      throw new IllegalArgumentException(
          "'" + unit + "' is not an age unit; use years (no unit, or a), mo, wk or d from UCUM");
    }
    BigDecimal years = value.getValue().multiply(factor);
    return limits -> {
      if (limits instanceof List<?> list) {
        for (Object item : list) {
          AgeLimit limit = (AgeLimit) item;
          boolean inRange = (limit.low() == null || years.compareTo(limit.low()) >= 0)
              && (limit.below() == null || years.compareTo(limit.below()) < 0);
          if (inRange == limit.exclude()) {
            return false;
          }
        }
      }
      return true;
    };
  }

  private static BigDecimal inYears(Quantity quantity) {
    BigDecimal factor = YEARS_PER_UNIT.get(quantity.getCode());
    return factor == null || !quantity.hasValue() ? null : quantity.getValue().multiply(factor);
  }

  /**
   * {@code eligible-sex}: the administrative-gender codes a study admits, from its eligibility Group's sex
   * characteristic; without one (the registry's "All"), or without a Group, every code.
   */
  private static List<Coded> admittedSexes(Resource resource) {
    Set<String> admitted = new TreeSet<>(GENDERS);
    if (resource instanceof Group group) {
      Set<String> stated = new TreeSet<>();
      boolean excluded = false;
      for (GroupCharacteristicComponent c : group.getCharacteristic()) {
        boolean gender = c.getValue() instanceof CodeableConcept concept
            && concept.getCoding().stream().anyMatch(g -> GENDER_SYSTEM.equals(g.getSystem()));
        if (c.getValue() instanceof CodeableConcept concept && (isCoded(c.getCode(), SEX_CODE) || gender)) {
          concept.getCoding().stream()
              .filter(g -> GENDER_SYSTEM.equals(g.getSystem()))
              .forEach(g -> stated.add(g.getCode()));
          excluded = c.getExclude();
        }
      }
      if (!stated.isEmpty()) {
        if (excluded) {
          admitted.removeAll(stated);
        } else {
          admitted.retainAll(stated);
        }
      }
    }
    return admitted.stream().map(code -> new Coded(GENDER_SYSTEM, code, null)).toList();
  }

  private static boolean isCoded(CodeableConcept concept, String loincCode) {
    return concept.getCoding().stream().anyMatch(c -> LOINC.equals(c.getSystem()) && loincCode.equals(c.getCode()));
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  /** Every string and markdown value of a resource, for {@code _content}. */
  private List<String> content(Resource resource) {
    FhirTerser terser = fhirContext.newTerser();
    List<String> texts = new ArrayList<>();
    for (StringType value : terser.getAllPopulatedChildElementsOfType(resource, StringType.class)) {
      texts.add(value.getValue());
    }
    return texts;
  }

  private static ResearchStudy study(Resource resource) {
    return (ResearchStudy) resource;
  }

  private static MetadataResource meta(Resource resource) {
    return (MetadataResource) resource;
  }

  private static <T> List<T> listOf(T value) {
    return value == null ? List.of() : List.of(value);
  }

  private static List<String> references(List<Reference> references) {
    List<String> values = new ArrayList<>();
    for (Reference reference : references) {
      if (reference.hasReference()) {
        values.add(reference.getReference());
      }
    }
    return values;
  }

  /** The canonical {@code definition} of every action, nested ones included. */
  private static List<String> definitions(List<PlanDefinitionActionComponent> actions) {
    List<String> values = new ArrayList<>();
    for (PlanDefinitionActionComponent action : actions) {
      if (action.hasDefinitionCanonicalType()) {
        values.add(action.getDefinitionCanonicalType().getValue());
      }
      values.addAll(definitions(action.getAction()));
    }
    return values;
  }

  private static List<String> addressParts(Address address) {
    List<String> parts = new ArrayList<>();
    parts.add(address.getText());
    address.getLine().forEach(line -> parts.add(line.getValue()));
    parts.add(address.getCity());
    parts.add(address.getDistrict());
    parts.add(address.getState());
    parts.add(address.getPostalCode());
    parts.add(address.getCountry());
    parts.removeIf(part -> part == null || part.isEmpty());
    return parts;
  }
}
