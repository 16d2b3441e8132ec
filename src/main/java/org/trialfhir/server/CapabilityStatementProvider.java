package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.annotation.Metadata;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.ResourceBinding;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.method.BaseMethodBinding;
import ca.uhn.fhir.rest.server.method.SearchMethodBinding;
import ca.uhn.fhir.rest.server.provider.ServerCapabilityStatementProvider;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceOperationComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceInteractionComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SearchParameter;
import org.trialfhir.store.TrialStore;

/**
 * {@code GET /fhir/metadata}: HAPI's CapabilityStatement, built from the providers' annotations (so it lists exactly
 * the interactions, search parameters, includes and operations the server binds), made precise where HAPI guesses:
 * every search parameter's {@code definition} is its canonical SearchParameter (ours from profiles/, or R4's), every
 * operation's {@code definition} our OperationDefinition in profiles/ (whose {@code base} is R4's), our profiles are {@code supportedProfile}, and
 * only R4 interaction codes remain.
 *
 * <p>Not a subclass: HAPI's provider also binds a read of OperationDefinition, which would shadow the
 * OperationDefinitions this server serves from the store.
 */
public final class CapabilityStatementProvider {
  /** Definitions of the parameters every resource has, which HAPI's model does not carry per type. */
  private static final Map<String, String> RESOURCE_PARAMETERS = Map.of(
      "_id", "http://hl7.org/fhir/SearchParameter/Resource-id",
      "_lastUpdated", "http://hl7.org/fhir/SearchParameter/Resource-lastUpdated",
      "_content", "http://hl7.org/fhir/SearchParameter/Resource-content");

  private static final Set<String> INTERACTIONS = Set.of(
      "read", "vread", "update", "patch", "delete", "history-instance", "history-type", "create", "search-type");

  private final ServerCapabilityStatementProvider hapi;
  private final RestfulServer server;
  private final FhirContext ctx;
  private final TrialStore store;
  private final Supplier<Map<String, List<String>>> profiles;

  CapabilityStatementProvider(
      RestfulServer server, TrialStore store, Supplier<Map<String, List<String>>> profiles) {
    this.hapi = new ServerCapabilityStatementProvider(server);
    this.hapi.setRestResourceRevIncludesEnabled(true);
    this.server = server;
    this.ctx = server.getFhirContext();
    this.store = store;
    this.profiles = profiles;
  }

  /** Called by HAPI when this provider is registered; the server is known from the constructor already. */
  public void setRestfulServer(RestfulServer restfulServer) {
    hapi.setRestfulServer(restfulServer);
  }

  @Metadata(cacheMillis = 60_000)
  public CapabilityStatement getServerConformance(HttpServletRequest request, RequestDetails details) {
    CapabilityStatement statement = (CapabilityStatement) hapi.getServerConformance(request, details);
    statement.setName("TrialfhirServer");
    statement.setTitle("trialfhir FHIR server");
    statement.setPublisher("trialfhir");
    statement.setExperimental(false);
    for (CapabilityStatementRestComponent rest : statement.getRest()) {
      boolean writes = rest.getResource().stream().anyMatch(r -> has(r, TypeRestfulInteraction.UPDATE));
      rest.setDocumentation((writes
          ? "Trial records are loaded at start-up and written with $import-record, create, update, delete,"
              + " transaction and batch; writes need the server's bearer token."
          : "Read-only: trial records are converted and loaded at start-up.")
          + " Searches page with _count (default " + TrialFhirServer.DEFAULT_PAGE_SIZE + ", at most "
          + TrialFhirServer.MAXIMUM_PAGE_SIZE + "); unknown search parameters are ignored unless the request says"
          + " Prefer: handling=strict.");
      if (writes) {
        WriteDeclarations.declare(rest);
        rest.getSecurity().setCors(true).setDescription("Reads are public. Writes (create, update, delete,"
            + " transaction, batch, $import-record) need 'Authorization: Bearer <token>' with the token the server was"
            + " started with: 401 without one, 403 with another.");
      }
      for (CapabilityStatementRestResourceComponent resource : rest.getResource()) {
        refine(resource);
        if (has(resource, TypeRestfulInteraction.UPDATE)) {
          WriteDeclarations.declare(resource);
        }
      }
    }
    return statement;
  }

  private static boolean has(CapabilityStatementRestResourceComponent resource, TypeRestfulInteraction code) {
    return resource.getInteraction().stream().anyMatch(i -> i.getCode() == code);
  }

  private void refine(CapabilityStatementRestResourceComponent resource) {
    String type = resource.getType();
    resource.setProfile("http://hl7.org/fhir/StructureDefinition/" + type);
    resource.getSupportedProfile().clear();
    profiles.get().getOrDefault(type, List.of()).forEach(resource::addSupportedProfile);
    resource.setVersioning(ResourceVersionPolicy.VERSIONED);
    resource.setReadHistory(true);
    resource.getInteraction().removeIf(i -> !INTERACTIONS.contains(i.getCodeElement().getValueAsString()));
    if (resource.getInteraction().stream().noneMatch(i -> i.getCode() == TypeRestfulInteraction.SEARCHTYPE)) {
      resource.addInteraction(new ResourceInteractionComponent().setCode(TypeRestfulInteraction.SEARCHTYPE));
    }
    // HAPI falls back to "*" and to every reference parameter of every type when a search declares no
    // _include/_revinclude; list exactly what the search methods allow instead.
    Set<String> includes = new TreeSet<>();
    Set<String> revIncludes = new TreeSet<>();
    for (ResourceBinding binding : server.getResourceBindings()) {
      if (type.equals(binding.getResourceName())) {
        for (BaseMethodBinding method : binding.getMethodBindings()) {
          if (method instanceof SearchMethodBinding) {
            includes.addAll(method.getIncludes());
            revIncludes.addAll(method.getRevIncludes());
          }
        }
      }
    }
    resource.getSearchInclude().clear();
    includes.forEach(resource::addSearchInclude);
    resource.getSearchRevInclude().clear();
    revIncludes.forEach(resource::addSearchRevInclude);
    for (CapabilityStatementRestResourceSearchParamComponent param : resource.getSearchParam()) {
      definition(type, param.getName()).ifPresent(definition -> {
        param.setDefinition(definition.url());
        if (definition.documentation() != null) {
          param.setDocumentation(definition.documentation());
        }
      });
    }
    for (CapabilityStatementRestResourceOperationComponent operation : resource.getOperation()) {
      operationDefinition(type, operation.getName()).ifPresent(operation::setDefinition);
    }
  }

  private record Definition(String url, String documentation) {}

  /** Ours (a SearchParameter in the store with this base and code) first, then R4's. */
  private Optional<Definition> definition(String type, String name) {
    for (Resource resource : store.all("SearchParameter")) {
      SearchParameter sp = (SearchParameter) resource;
      if (name.equals(sp.getCode()) && sp.getBase().stream().anyMatch(base -> type.equals(base.getValue()))) {
        return Optional.of(new Definition(sp.getUrl(), sp.getDescription()));
      }
    }
    if (RESOURCE_PARAMETERS.containsKey(name)) {
      return Optional.of(new Definition(RESOURCE_PARAMETERS.get(name), null));
    }
    RuntimeSearchParam standard = ctx.getResourceDefinition(type).getSearchParam(name);
    return standard == null || standard.getUri() == null
        ? Optional.empty()
        : Optional.of(new Definition(standard.getUri(), standard.getDescription()));
  }

  private Optional<String> operationDefinition(String type, String name) {
    for (Resource resource : store.all("OperationDefinition")) {
      OperationDefinition od = (OperationDefinition) resource;
      if (name.equals(od.getCode()) && od.getResource().stream().anyMatch(r -> type.equals(r.getValue()))) {
        return Optional.of(od.getUrl());
      }
    }
    return Optional.empty();
  }
}
