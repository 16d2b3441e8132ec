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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.ActivityDefinition;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;
import org.trialfhir.matching.MatchVocabulary;
import org.trialfhir.server.search.EntryStandIns;
import org.trialfhir.server.search.Resolver;
import org.trialfhir.server.search.SearchParams;
import org.trialfhir.store.RecordImporter;
import org.trialfhir.store.TrialStore;
import org.trialfhir.validation.ProfileValidator;
import org.trialfhir.validation.ValidationSupportFactory;

/**
 * The FHIR R4 REST server over a {@link TrialStore}: one read-only resource provider per type served, search with
 * paging, {@code $validate}, the terminology operations ({@code $translate}, {@code $lookup}, {@code $expand}),
 * {@code ResearchStudy/$match},
 * instance history of the trial types; when a write token is configured ({@link
 * WriteAccess}), also their create, update and delete, transaction and batch, and {@code $import-record}; and a
 * CapabilityStatement that declares exactly that. Mount it at {@code /fhir/*} ({@link JettyLauncher} does).
 */
public final class TrialFhirServer extends RestfulServer {
  private static final long serialVersionUID = 1L;

  /** Page size when a search gives no {@code _count}, and the largest {@code _count} honoured. */
  static final int DEFAULT_PAGE_SIZE = 20;
  static final int MAXIMUM_PAGE_SIZE = 500;
  /** How many searches keep their pages for {@code next}/{@code previous} links (oldest forgotten first). */
  static final int PAGED_SEARCHES_KEPT = 2000;
  /** Memory for encoded resources served again without encoding ({@link CachedResponseInterceptor}). */
  static final long ENCODED_RESOURCES_BYTES = 64L * 1024 * 1024;
  private static final String REQUEST_ID_CHARACTERS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  /** The trial resource types, which take create, update, delete and history when writes are allowed. */
  static final List<Class<? extends Resource>> WRITABLE_TYPES = List.of(
      ResearchStudy.class, PlanDefinition.class, ActivityDefinition.class, Group.class, Organization.class,
      Location.class, Practitioner.class);

  private final transient TrialStore store;
  private final transient Supplier<ProfileValidator> validator;
  private final transient Supplier<? extends IValidationSupport> support;
  private final transient WriteAccess writeAccess;
  private transient SearchRequestRules searchRules;
  private transient ReadOnlyRules readOnlyRules;
  private transient SearchParams search;
  private transient MatchOperationProvider match;
  private transient volatile PlainReads plainReads;

  /** A read-only server over the store, validating with the shared validator and chain of HAPI's cached R4 context. */
  public TrialFhirServer(TrialStore store) {
    this(store, WriteAccess.off());
  }

  /** A server over the store that allows writes as {@code writeAccess} says. */
  public TrialFhirServer(TrialStore store, WriteAccess writeAccess) {
    this(store, FhirContext.forR4Cached(), ProfileValidator::shared,
        () -> ValidationSupportFactory.chain(FhirContext.forR4Cached()), writeAccess);
  }

  public TrialFhirServer(
      TrialStore store,
      FhirContext ctx,
      Supplier<ProfileValidator> validator,
      Supplier<? extends IValidationSupport> support) {
    this(store, ctx, validator, support, WriteAccess.off());
  }

  public TrialFhirServer(
      TrialStore store,
      FhirContext ctx,
      Supplier<ProfileValidator> validator,
      Supplier<? extends IValidationSupport> support,
      WriteAccess writeAccess) {
    super(ctx);
    this.store = store;
    this.validator = validator;
    this.support = support;
    this.writeAccess = writeAccess;
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

    search = new SearchParams(ctx, new Resolver(store));
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
        new OperationDefinitionResourceProvider(context)));
    match = new MatchOperationProvider(ctx, store, MatchVocabulary::standard, Clock.systemDefaultZone());
    registerProviders(List.of(
        new TranslateOperationProvider(store, support),
        new LookupOperationProvider(ctx, store, support),
        new ExpandOperationProvider(store, support),
        match));
    Set<String> writable = new LinkedHashSet<>();
    WRITABLE_TYPES.forEach(type -> writable.add(ctx.getResourceType(type)));
    List<Object> histories = new ArrayList<>();
    WRITABLE_TYPES.forEach(type -> histories.add(new HistoryResourceProvider<>(type, ctx, store)));
    registerProviders(histories);
    if (writeAccess.enabled()) {
      registerWriteProviders(ctx, search, validation, writable);
    }
    Set<String> readOnly = new LinkedHashSet<>();
    getResourceProviders().forEach(provider -> readOnly.add(ctx.getResourceType(provider.getResourceType())));
    readOnly.removeAll(writable);
    readOnlyRules = new ReadOnlyRules(writeAccess, writable, readOnly);
    searchRules = new SearchRequestRules(search);
    registerInterceptor(new EntryStandIns());
    registerInterceptor(new ReadStandIns());
    CachedResponseInterceptor cachedResponses = new CachedResponseInterceptor(ctx, ENCODED_RESOURCES_BYTES);
    registerInterceptor(cachedResponses);
    Set<String> readTypes = new LinkedHashSet<>();
    getResourceProviders().stream().filter(ReadOnlyResourceProvider.class::isInstance)
        .forEach(provider -> readTypes.add(ctx.getResourceType(provider.getResourceType())));
    plainReads = PlainReads.of(this, store, cachedResponses.cache(), readTypes).orElse(null);
    setServerConformanceProvider(new CapabilityStatementProvider(this, store, profiles));
  }

  /**
   * What answers plain reads before HAPI ({@link PlainReadFilter}); null before initialisation and when the server's
   * interceptors rule it out.
   */
  PlainReads plainReads() {
    return plainReads;
  }

  /** Stops the matcher's background build with the servlet: it must not go on reading a store being closed. */
  @Override
  public void destroy() {
    super.destroy();
    if (match != null) {
      match.close();
    }
  }

  /**
   * Builds the search index now (it parses every stored resource once) instead of on the first search, and brings it
   * up to date with the store. The servlet must be initialised.
   */
  public void buildSearchIndex() {
    search.index().catchUp();
  }

  /**
   * {@link #buildSearchIndex()}, loading the index from a snapshot file when it holds a usable one (one this store
   * and these search parameters can use; otherwise it is built and saved there); {@link #saveSearchIndex} saves it
   * again. Returns whether it was loaded from the file.
   */
  public boolean buildSearchIndex(java.nio.file.Path snapshot) {
    search.index().useSnapshot(snapshot);
    buildSearchIndex();
    return search.index().loadedFromSnapshot();
  }

  /** Saves the search index to its snapshot file, if it has one and it changed since; for a clean stop. */
  public void saveSearchIndex() {
    search.index().saveSnapshot();
  }

  /** Create/update/delete per trial type, transaction and batch, and {@code $import-record}. */
  private void registerWriteProviders(
      FhirContext ctx, SearchParams search, ResourceValidation validation, Set<String> writable) {
    StoreWriter writer = new StoreWriter(store, new ConditionalSearch(search));
    List<Object> providers = new ArrayList<>();
    for (Class<? extends Resource> type : WRITABLE_TYPES) {
      providers.add(new WriteResourceProvider<>(type, ctx.getResourceType(type), writer, validation));
    }
    providers.add(new TransactionProvider(ctx, writer, validation, writable));
    providers.add(new ImportRecordOperationProvider(ctx,
        new RecordImporter(ctx, store, bundle -> validator.get().validate(bundle))));
    registerProviders(providers);
  }

  /**
   * The {@code X-Request-ID} HAPI sends when the client gave none: a log correlation token, so drawn from the thread's
   * own generator. HAPI's default (commons-lang's secure random, behind a lock) cost several percent of a cached read.
   */
  @Override
  protected String newRequestId(int length) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] id = new char[length];
    for (int i = 0; i < length; i++) {
      id[i] = REQUEST_ID_CHARACTERS.charAt(random.nextInt(REQUEST_ID_CHARACTERS.length()));
    }
    return new String(id);
  }

  /** Rejects writes, oversized or unsupported bodies, and bad search parameters before HAPI picks a handler. */
  @Override
  protected void validateRequest(ServletRequestDetails request) {
    super.validateRequest(request);
    readOnlyRules.check(request.getServletRequest());
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
