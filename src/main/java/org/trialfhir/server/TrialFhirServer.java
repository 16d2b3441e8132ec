package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;
import org.trialfhir.matching.MatchVocabulary;
import org.trialfhir.server.search.Resolver;
import org.trialfhir.server.search.SearchParams;
import org.trialfhir.store.TrialStore;
import org.trialfhir.validation.ProfileValidator;
import org.trialfhir.validation.ValidationSupportFactory;

/**
 * The FHIR R4 REST server over a {@link TrialStore}: one read-only resource provider per type served, search with
 * paging, {@code $validate}, {@code ResearchStudy/$match}, and a CapabilityStatement that declares exactly that. Mount it at {@code /fhir/*}
 * ({@link JettyLauncher} does).
 */
public final class TrialFhirServer extends RestfulServer {
  private static final long serialVersionUID = 1L;

  /** Page size when a search gives no {@code _count}, and the largest {@code _count} honoured. */
  static final int DEFAULT_PAGE_SIZE = 20;
  static final int MAXIMUM_PAGE_SIZE = 500;
  /** How many searches keep their pages for {@code next}/{@code previous} links (oldest forgotten first). */
  static final int PAGED_SEARCHES_KEPT = 2000;

  private final transient TrialStore store;
  private final transient Supplier<ProfileValidator> validator;
  private final transient Supplier<? extends IValidationSupport> support;
  private transient SearchRequestRules searchRules;

  /** A server over the store, validating with the shared validator and chain of HAPI's cached R4 context. */
  public TrialFhirServer(TrialStore store) {
    this(store, FhirContext.forR4Cached(), ProfileValidator::shared,
        () -> ValidationSupportFactory.chain(FhirContext.forR4Cached()));
  }

  public TrialFhirServer(
      TrialStore store,
      FhirContext ctx,
      Supplier<ProfileValidator> validator,
      Supplier<? extends IValidationSupport> support) {
    super(ctx);
    this.store = store;
    this.validator = validator;
    this.support = support;
  }

  @Override
  protected void initialize() {
    FhirContext ctx = getFhirContext();
    setServerName("trialfhir");
    setServerVersion(TrialFhirServer.class.getPackage().getImplementationVersion() == null
        ? "0.1.0" : TrialFhirServer.class.getPackage().getImplementationVersion());
    setImplementationDescription("trialfhir: cell-therapy trial registry records as FHIR R4");
    setDefaultResponseEncoding(EncodingEnum.JSON);

    FifoMemoryPagingProvider paging = new FifoMemoryPagingProvider(PAGED_SEARCHES_KEPT);
    paging.setDefaultPageSize(DEFAULT_PAGE_SIZE);
    paging.setMaximumPageSize(MAXIMUM_PAGE_SIZE);
    setPagingProvider(paging);

    SearchParams search = new SearchParams(ctx, new Resolver(store));
    // Read from the store when needed, so the servlet can start while the store is still being filled.
    Supplier<Map<String, List<String>>> profiles = () -> profilesByType(store);
    ResourceValidation validation = new ResourceValidation(ctx, validator, support, profiles);
    ProviderContext context = new ProviderContext(store, search, validation);
    registerProviders(List.of(
        new ResearchStudyResourceProvider(context),
        new PlanDefinitionResourceProvider(context),
        new ActivityDefinitionResourceProvider(context),
        new GroupResourceProvider(context),
        new OrganizationResourceProvider(context),
        new LocationResourceProvider(context),
        new PractitionerResourceProvider(context),
        new StructureDefinitionResourceProvider(context),
        new TerminologyResourceProvider<>(ValueSet.class, context),
        new TerminologyResourceProvider<>(CodeSystem.class, context),
        new TerminologyResourceProvider<>(ConceptMap.class, context),
        new SearchParameterResourceProvider(context),
        new OperationDefinitionResourceProvider(context),
        new MatchOperationProvider(ctx, store, MatchVocabulary::standard, Clock.systemDefaultZone())));
    searchRules = new SearchRequestRules(search);
    setServerConformanceProvider(new CapabilityStatementProvider(this, store, profiles));
  }

  /** Rejects writes, oversized or unsupported bodies, and bad search parameters before HAPI picks a handler. */
  @Override
  protected void validateRequest(ServletRequestDetails request) {
    super.validateRequest(request);
    ReadOnlyRules.check(request.getServletRequest());
    searchRules.check(request);
  }

  /**
   * Our profiles per resource type: the StructureDefinitions in the store that constrain a resource (not extensions,
   * not data types). {@code $validate} applies them and the CapabilityStatement lists them as supportedProfile.
   */
  static Map<String, List<String>> profilesByType(TrialStore store) {
    Map<String, List<String>> byType = new LinkedHashMap<>();
    for (Resource resource : store.all("StructureDefinition")) {
      StructureDefinition sd = (StructureDefinition) resource;
      if (sd.getKind() == StructureDefinition.StructureDefinitionKind.RESOURCE
          && sd.getDerivation() == StructureDefinition.TypeDerivationRule.CONSTRAINT) {
        byType.computeIfAbsent(sd.getType(), t -> new ArrayList<>()).add(sd.getUrl());
      }
    }
    byType.replaceAll((type, urls) -> List.copyOf(urls));
    return byType;
  }
}
