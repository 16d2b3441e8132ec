package org.trialfhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.TranslateConceptResults;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.utilities.http.ManagedWebAccess;
import org.trialfhir.mapping.ClasspathFolder;

/**
 * Builds, once per FhirContext, the HAPI validation support chain of base R4, offline terminology and every
 * conformance resource in the classpath folders {@code profiles/} and {@code mappings/}.
 *
 * <p>Since HAPI FHIR 8.0 the {@link ValidationSupportChain} caches lookups itself ({@code
 * CachingValidationSupport} is deprecated for removal), so the chain is not wrapped. A conformance file that
 * cannot be parsed, is not a conformance resource, repeats a canonical URL, or whose snapshot cannot be
 * generated fails the build with an {@link IllegalStateException} naming the file.
 */
public final class ValidationSupportFactory {

  /** Classpath folders whose {@code *.json} files join the chain. */
  public static final List<String> FOLDERS = List.of("profiles", "mappings");

  private static final Set<String> CONFORMANCE_TYPES =
      Set.of(
          "StructureDefinition",
          "ValueSet",
          "CodeSystem",
          "SearchParameter",
          "OperationDefinition",
          "ConceptMap");

  private static final ConcurrentMap<FhirContext, Shared> SHARED = new ConcurrentHashMap<>();

  private ValidationSupportFactory() {}

  /** One conformance resource file: the name used in error messages, and its JSON text. */
  public record Source(String name, String json) {}

  /**
   * The chain, the conformance resources it was built from (StructureDefinitions with generated snapshots), in file
   * order, and the R5 worker context that generated the snapshots, for a validator to reuse.
   */
  public record Conformance(
      ValidationSupportChain chain,
      List<IBaseResource> resources,
      WorkerContextValidationSupportAdapter workerContext) {}

  /** The shared chain for the given context, built from the classpath on first use (thread-safe). */
  public static ValidationSupportChain chain(FhirContext ctx) {
    return conformance(ctx).chain();
  }

  /** The shared chain and loaded resources for the given context, built on first use (thread-safe). */
  public static Conformance conformance(FhirContext ctx) {
    return SHARED.computeIfAbsent(ctx, Shared::new).get();
  }

  /** Builds a new chain from the given conformance files (for tests and tools; the shared one uses the classpath). */
  public static Conformance build(FhirContext ctx, List<Source> sources) {
    // Offline by design: the HL7 validator core would otherwise try to download packages it lacks.
    ManagedWebAccess.setAccessPolicy(ManagedWebAccess.WebAccessPolicy.PROHIBITED);
    IParser parser = ctx.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    Map<String, IBaseResource> byFile = new LinkedHashMap<>();
    Map<String, String> fileByUrl = new HashMap<>();
    for (Source source : sources) {
      IBaseResource resource = parse(parser, source);
      String url = ((MetadataResource) resource).getUrl();
      String previous = fileByUrl.putIfAbsent(url, source.name());
      if (previous != null) {
        throw new IllegalStateException(
            source.name() + ": canonical URL " + url + " is already defined by " + previous);
      }
      byFile.put(source.name(), resource);
    }

    PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(ctx);
    OtherConformanceResources others = new OtherConformanceResources(ctx);
    for (IBaseResource resource : byFile.values()) {
      // PrePopulatedValidationSupport silently drops types it has no map for (ConceptMap, OperationDefinition).
      if (others.accepts(resource)) {
        others.add(resource);
      } else {
        ours.addResource(resource);
      }
    }
    ValidationSupportChain chain =
        new ValidationSupportChain(
            new DefaultProfileValidationSupport(ctx),
            new CommonCodeSystemsTerminologyService(ctx),
            new InMemoryTerminologyServerValidationSupport(ctx),
            new SnapshotGeneratingValidationSupport(ctx),
            ours,
            others);
    // FHIR accepts a CodeableConcept when one of its codings is in the bound value set; HAPI's default wants
    // every coding to be (hapi-fhir #8345), which our registry codings beside the R4 ones would fail.
    // ProfilesTest checks our own codings against their code systems, so nothing goes unchecked.
    chain.setCodeableConceptValidationSuccessfulIfNotAllCodingsAreValid(true);

    // One worker context for all snapshots: each new one converts every base definition to R5 again.
    WorkerContextValidationSupportAdapter worker = new WorkerContextValidationSupportAdapter(chain);
    SnapshotGeneratingValidationSupport generator = new SnapshotGeneratingValidationSupport(ctx, worker);
    List<IBaseResource> loaded = new ArrayList<>();
    for (Map.Entry<String, IBaseResource> entry : byFile.entrySet()) {
      IBaseResource resource = entry.getValue();
      if (resource instanceof StructureDefinition sd && !sd.hasSnapshot()) {
        resource = withSnapshot(generator, chain, sd, entry.getKey());
      }
      loaded.add(resource);
    }
    for (IBaseResource resource : loaded) {
      if (resource instanceof StructureDefinition) {
        ours.addStructureDefinition(resource);
      }
    }
    // The chain cached the differential-only definitions while generating; serve the snapshots from now on.
    chain.invalidateCaches();
    return new Conformance(chain, Collections.unmodifiableList(loaded), worker);
  }

  /** Reads every {@code *.json} file in {@link #FOLDERS} from the classpath (a directory or the shaded jar). */
  public static List<Source> classpathSources() {
    List<Source> sources = new ArrayList<>();
    ClassLoader loader = ValidationSupportFactory.class.getClassLoader();
    for (String folder : FOLDERS) {
      for (String path : listJson(folder)) {
        try (InputStream in = loader.getResourceAsStream(path)) {
          if (in == null) {
            throw new IllegalStateException(path + ": listed but cannot be opened");
          }
          sources.add(new Source(path, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
          throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
      }
    }
    return sources;
  }

  private static IBaseResource parse(IParser parser, Source source) {
    IBaseResource resource;
    try {
      resource = parser.parseResource(source.json());
    } catch (DataFormatException e) {
      throw new IllegalStateException(source.name() + ": not a valid FHIR R4 JSON resource: " + e.getMessage(), e);
    }
    String type = resource.fhirType();
    if (!CONFORMANCE_TYPES.contains(type)) {
      throw new IllegalStateException(
          source.name() + ": a " + type + " is not a conformance resource (expected one of " + CONFORMANCE_TYPES + ")");
    }
    if (!((MetadataResource) resource).hasUrl()) {
      throw new IllegalStateException(source.name() + ": " + type + " has no canonical url");
    }
    return resource;
  }

  private static IBaseResource withSnapshot(
      SnapshotGeneratingValidationSupport generator, IValidationSupport chain, StructureDefinition sd, String name) {
    IBaseResource result;
    try {
      result = generator.generateSnapshot(new ValidationSupportContext(chain), sd, sd.getUrl(), null, sd.getName());
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          name + ": cannot generate the snapshot of " + sd.getUrl() + ": " + rootMessage(e), e);
    }
    if (!(result instanceof StructureDefinition generated) || !generated.hasSnapshot()) {
      throw new IllegalStateException(name + ": snapshot generation for " + sd.getUrl() + " produced no snapshot");
    }
    return generated;
  }

  private static String rootMessage(Throwable e) {
    StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
      message.append(": ").append(cause.getMessage());
    }
    return message.toString();
  }

  /** Resource paths of the {@code *.json} files directly in a classpath folder, from directories and jars. */
  private static List<String> listJson(String folder) {
    return ClasspathFolder.list(folder).stream().filter(path -> path.endsWith(".json")).toList();
  }

  /** Builds the shared chain at most once per context; a failed build is retried by the next caller. */
  private static final class Shared {
    private final FhirContext ctx;
    private Conformance conformance;

    Shared(FhirContext ctx) {
      this.ctx = ctx;
    }

    synchronized Conformance get() {
      if (conformance == null) {
        conformance = build(ctx, classpathSources());
      }
      return conformance;
    }
  }

  /**
   * Serves the conformance resources that PrePopulatedValidationSupport has no place for, by type and URL, and
   * translates codes through the ConceptMaps among them.
   */
  private static final class OtherConformanceResources implements IValidationSupport {
    private static final Set<String> TYPES = Set.of("ConceptMap", "OperationDefinition");
    private final FhirContext ctx;
    private final Map<String, IBaseResource> byTypeAndUrl = new LinkedHashMap<>();

    OtherConformanceResources(FhirContext ctx) {
      this.ctx = ctx;
    }

    boolean accepts(IBaseResource resource) {
      return TYPES.contains(resource.fhirType());
    }

    void add(IBaseResource resource) {
      byTypeAndUrl.put(resource.fhirType() + " " + ((MetadataResource) resource).getUrl(), resource);
    }

    @Override
    public FhirContext getFhirContext() {
      return ctx;
    }

    @Override
    public String getName() {
      return "trialfhir ConceptMaps and OperationDefinitions";
    }

    @Override
    public List<IBaseResource> fetchAllConformanceResources() {
      return new ArrayList<>(byTypeAndUrl.values());
    }

    /** {@code $translate} over our ConceptMaps: HAPI's offline supports translate nothing. */
    @Override
    public TranslateConceptResults translateConcept(TranslateCodeRequest request) {
      List<ConceptMap> maps = new ArrayList<>();
      for (IBaseResource resource : byTypeAndUrl.values()) {
        if (resource instanceof ConceptMap map) {
          maps.add(map);
        }
      }
      return ConceptMapTranslator.translate(maps, request);
    }

    @Override
    public <T extends IBaseResource> T fetchResource(Class<T> type, String url) {
      String bare = url.contains("|") ? url.substring(0, url.indexOf('|')) : url;
      for (IBaseResource resource : byTypeAndUrl.values()) {
        if (bare.equals(((MetadataResource) resource).getUrl()) && (type == null || type.isInstance(resource))) {
          @SuppressWarnings("unchecked")
          T found = (T) resource;
          return found;
        }
      }
      return null;
    }
  }
}
